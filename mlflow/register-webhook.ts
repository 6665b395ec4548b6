/**
 * Registers (or updates) the lineage subgraph's receiver as a webhook in MLflow, idempotently:
 *
 *   npx tsx mlflow/register-webhook.ts --url <mlflow url> --receiver http://<lineage host>/webhooks/mlflow --secret <secret>
 *
 * `--secret` defaults to TRAINING_WEBHOOK_SECRET; `--url` to MLFLOW_URL; credentials to
 * MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD. Running it again updates the webhook
 * of the same `--name` instead of adding one. The lineage subgraph does the same at startup when
 * `platforms.training.webhookUrl` is set.
 */
import { parseArgs } from 'node:util';
import { registerMlflowWebhook, DEFAULT_WEBHOOK_NAME } from '@mlops/connectors/training';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    receiver: { type: 'string' },
    secret: { type: 'string' },
    name: { type: 'string', default: DEFAULT_WEBHOOK_NAME },
  },
});
const url = values.url ?? process.env.MLFLOW_URL;
const secret = values.secret ?? process.env.TRAINING_WEBHOOK_SECRET;
if (!url || !values.receiver || !secret) {
  process.stderr.write('usage: npx tsx mlflow/register-webhook.ts --url <mlflow url> --receiver <lineage url>/webhooks/mlflow [--secret S (or TRAINING_WEBHOOK_SECRET)] [--name N]\n');
  process.exit(2);
}
try {
  const r = await registerMlflowWebhook({
    mlflowUrl: url,
    receiverUrl: values.receiver,
    secret,
    name: values.name,
    token: process.env.MLFLOW_TRACKING_TOKEN,
    username: process.env.MLFLOW_TRACKING_USERNAME,
    password: process.env.MLFLOW_TRACKING_PASSWORD,
  });
  process.stdout.write(`[mlflow/register-webhook] ${r.action} webhook ${r.id} -> ${values.receiver}\n`);
} catch (e) {
  process.stderr.write(`[mlflow/register-webhook] ${(e as Error).message}\n`);
  process.exit(1);
}
