export { lineage } from './server.ts';
export { startSyncLoop, type SyncLoop } from './runtime.ts';
export { syncOnce, type SyncSources, type SyncReport } from './sync/sync.ts';
