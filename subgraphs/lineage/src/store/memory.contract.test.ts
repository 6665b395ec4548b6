import { MemoryLineageStore } from './memory.ts';
import { describeLineageStoreContract } from './contract.ts';

describeLineageStoreContract('memory', async () => ({ store: new MemoryLineageStore(), cleanup: async () => {} }));
