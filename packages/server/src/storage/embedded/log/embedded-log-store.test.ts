import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLogStoreContract } from '../../contract/log-contract.ts';
import { EmbeddedLogStore } from './index.ts';

for (const fsync of ['always', 'never'] as const) {
  runLogStoreContract(`embedded (fsync ${fsync})`, async () => {
    const dataDir = await fs.mkdtemp(join(tmpdir(), 'sy-log-'));
    const options = {
      dataDir,
      fsync,
      preallocate: fsync === 'always' ? ('zero-fill' as const) : ('recycle' as const),
    };
    return {
      store: await EmbeddedLogStore.open(options),
      reopen: () => EmbeddedLogStore.open(options),
      cleanup: () => fs.rm(dataDir, { recursive: true, force: true }),
    };
  });
}
