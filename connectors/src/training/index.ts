export * from './types.ts';
export { BuiltinTrainingConnector } from './builtin.ts';
export { MlflowTrainingConnector, MLFLOW_TAGS, type MlflowOptions } from './mlflow.ts';
export * from '../scope.ts';
export { registerMlflowWebhook, listMlflowWebhooks, MLFLOW_WEBHOOK_EVENTS, DEFAULT_WEBHOOK_NAME, type RegisterWebhookOptions } from './mlflow-webhooks.ts';
