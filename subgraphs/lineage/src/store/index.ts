export * from './types.ts';
export { MemoryLineageStore } from './memory.ts';
