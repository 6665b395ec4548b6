export { lineage } from './server.ts';
export { createLineageBackend } from './backend.ts';
export type { LineageBackend } from './context.ts';
export type { WebhookSender } from './releases/webhooks.ts';
export { sign as signWebhook } from './releases/webhooks.ts';
export { startDeprecationClock, startSyncLoop, type DeprecationClock, type SyncLoop } from './runtime.ts';
export { syncOnce, refreshModelVersions, scenarioProjects, type SyncSources, type SyncReport } from './sync/sync.ts';
export { exportGraphForImport, GraphAccumulator, type ExportResult } from './sync/bulk-export.ts';
export { mlflowSignature, MLFLOW_HEADERS } from './mlflow-webhook.ts';
