/**
 * Child process of the storage-error tests (run under a file-size limit or another user).
 * `fill <dataDir>`: appends until an append fails, then prints `{ code, endOffset, readable }`.
 * `open <dataDir>`: opens the store and a partition, prints `{ code }` (null on success).
 */
import { isSwitchyardError } from '@switchyard/protocol';
import { readAll, textBatch } from '../../contract/log-contract.ts';
import { EmbeddedLogStore } from './index.ts';
import { testConfig } from './test-support.ts';

const [mode, dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: io-child.fixture.ts fill|open <dataDir>');
const codeOf = (err: unknown) => (isSwitchyardError(err) ? err.code : String(err));
try {
  const store = await EmbeddedLogStore.open({ dataDir, preallocate: 'off' });
  const log = await store.open('io', 0, testConfig({ segmentBytes: 64 * 1024 * 1024 }));
  if (mode === 'fill') {
    let code: string | null = null;
    for (let i = 0; i < 10_000 && code === null; i++) {
      await log.append(textBatch(`x${i}-${'y'.repeat(100)}`, 20)).catch((err: unknown) => {
        code = codeOf(err);
      });
    }
    const records = await readAll(log, 0);
    const readable = records.length === log.endOffset;
    process.stdout.write(`${JSON.stringify({ code, endOffset: log.endOffset, readable })}\n`);
  } else {
    process.stdout.write(`${JSON.stringify({ code: null })}\n`);
  }
  await store.close().catch(() => {});
} catch (err) {
  process.stdout.write(`${JSON.stringify({ code: codeOf(err) })}\n`);
}
