import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '@mlops/kit/config';
import { connectorFor } from './from-config.ts';
import { BuiltinTrainingConnector, MlflowTrainingConnector } from './training/index.ts';
import { PrometheusMonitoringConnector } from './monitoring/index.ts';
import { BuiltinInferenceConnector, MlserverInferenceConnector } from './inference/index.ts';
import os from 'node:os';
import path from 'node:path';

const load = (env: Record<string, string>) => readConfig({ env: { MLOPS_MODE: 'demo', ...env }, file: null }).config;
const problems = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('platform connectors from the configuration', () => {
  it('builds the Prometheus monitoring connector from platforms.monitoring, and refuses it without a URL or elsewhere', () => {
    const config = load({ MONITORING_PLATFORM: 'prometheus', MONITORING_PLATFORM_URL: 'http://127.0.0.1:9090' });
    expect(connectorFor(config, 'monitoring')).toBeInstanceOf(PrometheusMonitoringConnector);
    expect(problems({ MONITORING_PLATFORM: 'prometheus' })).toEqual([expect.stringMatching(/^platforms\.monitoring\.url: .*Prometheus server URL/)]);
    expect(problems({ TRAINING_PLATFORM: 'prometheus', TRAINING_PLATFORM_URL: 'http://127.0.0.1:9090' })).toEqual([expect.stringMatching(/^platforms\.training\.connector: /)]);
    expect(problems({ MONITORING_PLATFORM: 'mlflow', MONITORING_PLATFORM_URL: 'http://127.0.0.1:5000' })).toEqual([expect.stringMatching(/^platforms\.monitoring\.connector: /)]);
  });

  it('gives the Prometheus connector the alert history Alertmanager fills; production refuses prometheus without the delivery token', () => {
    const dir = path.join(os.tmpdir(), 'alert-history-config');
    const token = 'a'.repeat(32);
    const config = load({ MONITORING_PLATFORM: 'prometheus', MONITORING_PLATFORM_URL: 'http://127.0.0.1:9090', MONITORING_ALERTMANAGER_TOKEN: token, MONITORING_ALERT_HISTORY_DIR: dir });
    expect(config.platforms.monitoring).toMatchObject({ alertmanagerToken: token, alertHistoryDir: dir, alertHistoryMax: 10_000 });
    const c = connectorFor(config, 'monitoring') as PrometheusMonitoringConnector;
    expect(c.alertHistory?.file).toBe(path.join(dir, 'alerts.jsonl'));
    expect((connectorFor(load({ MONITORING_PLATFORM: 'prometheus', MONITORING_PLATFORM_URL: 'http://x:1' }), 'monitoring') as PrometheusMonitoringConnector).alertHistory).toBeUndefined();
    expect(problems({ MONITORING_PLATFORM: 'prometheus', MONITORING_PLATFORM_URL: 'http://x:1', MONITORING_ALERTMANAGER_TOKEN: 'short' })).toEqual([
      expect.stringMatching(/^platforms\.monitoring\.alertmanagerToken: .*32/),
      expect.stringMatching(/^platforms\.monitoring\.alertHistoryDir: /),
    ]);
    expect(problems({ MONITORING_PLATFORM: 'prometheus', MONITORING_PLATFORM_URL: 'http://x:1', MONITORING_ALERTMANAGER_TOKEN: token })).toEqual([
      expect.stringMatching(/^platforms\.monitoring\.alertHistoryDir: /),
    ]);
    const production = { MLOPS_MODE: 'production', AUTH_SECRET: 's'.repeat(40), AUTH_ISSUER: 'https://idp.example', INTERNAL_KEY: 'k'.repeat(40), WEBHOOK_SECRET: 'w'.repeat(20) };
    expect(problems({ ...production, MONITORING_PLATFORM: 'prometheus', MONITORING_PLATFORM_URL: 'http://x:1' })).toEqual([
      expect.stringMatching(/^platforms\.monitoring\.alertmanagerToken: production with the prometheus connector needs/),
    ]);
    expect(problems({ ...production, MONITORING_PLATFORM: 'prometheus', MONITORING_PLATFORM_URL: 'http://x:1', MONITORING_ALERTMANAGER_TOKEN: token, MONITORING_ALERT_HISTORY_DIR: dir })).toEqual([]);
    expect(problems(production)).toEqual([]);
  });

  it('builds the MLflow training connector from platforms.training (connector, url, credentials)', () => {
    const config = load({ TRAINING_PLATFORM: 'mlflow', TRAINING_PLATFORM_URL: 'http://127.0.0.1:5000', TRAINING_PLATFORM_USERNAME: 'u', TRAINING_PLATFORM_PASSWORD: 'p' });
    expect(config.platforms.training).toMatchObject({ connector: 'mlflow', url: 'http://127.0.0.1:5000', username: 'u', password: 'p' });
    expect(connectorFor(config, 'training')).toBeInstanceOf(MlflowTrainingConnector);
    expect(connectorFor(load({}), 'training')).toBeInstanceOf(BuiltinTrainingConnector);
  });

  it('refuses mlflow without a URL, on a platform other than training, and a password without a user', () => {
    expect(problems({ TRAINING_PLATFORM: 'mlflow' })).toEqual([expect.stringMatching(/^platforms\.training\.url: .*MLflow server URL/)]);
    expect(problems({ CATALOG_PLATFORM: 'mlflow', CATALOG_PLATFORM_URL: 'http://127.0.0.1:5000' })).toEqual([expect.stringMatching(/^platforms\.catalog\.connector: /)]);
    expect(problems({ TRAINING_PLATFORM: 'mlflow', TRAINING_PLATFORM_URL: 'http://x:1', TRAINING_PLATFORM_PASSWORD: 'p' })).toEqual([expect.stringMatching(/^platforms\.training\.username: /)]);
    expect(problems({ TRAINING_PLATFORM: 'nope' })).toEqual([expect.stringMatching(/^platforms\.training\.connector: .*\(from TRAINING_PLATFORM\)/)]);
  });

  it('builds the MLServer inference connector from platforms.inference (url, model repository, ledger directory) and refuses it incomplete or elsewhere', () => {
    const dir = path.join(os.tmpdir(), `from-config-mlserver-${process.pid}`);
    const config = load({ INFERENCE_PLATFORM: 'mlserver', INFERENCE_PLATFORM_URL: 'http://127.0.0.1:8080', INFERENCE_PLATFORM_MODEL_REPOSITORY: `${dir}/models`, INFERENCE_PLATFORM_LEDGER_DIR: `${dir}/ledger` });
    const c = connectorFor(config, 'inference');
    expect(c).toBeInstanceOf(MlserverInferenceConnector);
    expect(c.supportedStrategies).toEqual(['HOT_SWAP', 'ROLLBACK']);
    expect(connectorFor(load({}), 'inference')).toBeInstanceOf(BuiltinInferenceConnector);
    expect(problems({ INFERENCE_PLATFORM: 'mlserver' })).toEqual([
      expect.stringMatching(/^platforms\.inference\.url: .*MLServer URL/),
      expect.stringMatching(/^platforms\.inference\.modelRepository: /),
      expect.stringMatching(/^platforms\.inference\.ledgerDir: /),
    ]);
    expect(problems({ TRAINING_PLATFORM: 'mlserver', TRAINING_PLATFORM_URL: 'http://x:1' })).toContainEqual(expect.stringMatching(/^platforms\.training\.connector: training connectors: builtin or mlflow/));
    expect(problems({ INFERENCE_PLATFORM: 'mlflow', INFERENCE_PLATFORM_URL: 'http://x:1' })).toEqual([expect.stringMatching(/^platforms\.inference\.connector: inference connectors: builtin or mlserver/)]);
  });
});
