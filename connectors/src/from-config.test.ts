import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '@mlops/kit/config';
import { connectorFor } from './from-config.ts';
import { BuiltinTrainingConnector, MlflowTrainingConnector } from './training/index.ts';
import { PrometheusMonitoringConnector } from './monitoring/index.ts';

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
});
