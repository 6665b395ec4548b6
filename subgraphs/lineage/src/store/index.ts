export * from './types.ts';
export { MemoryLineageStore } from './memory.ts';
export { Neo4jLineageStore, loadMigrations } from './neo4j.ts';
