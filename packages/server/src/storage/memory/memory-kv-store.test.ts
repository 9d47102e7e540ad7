import { runKvStoreContract } from '../contract/kv-contract.ts';
import { MemoryKvStore } from './memory-kv-store.ts';

runKvStoreContract('MemoryKvStore', async () => ({ store: new MemoryKvStore(), cleanup: async () => {} }));
