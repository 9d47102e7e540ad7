/**
 * Child process of the kill -9 test: appends batches with fsync always and prints one line per
 * acknowledged append (`ack <iteration> <batch> <baseOffset> <lastOffset>`) until it is killed.
 * Usage: tsx crash-child.fixture.ts <dataDir> <iteration>
 */
import { encodeRecordBatch } from '@switchyard/protocol';
import { EmbeddedLogStore } from './index.ts';
import { testConfig } from './test-support.ts';

const [dataDir, iteration] = process.argv.slice(2);
if (dataDir === undefined || iteration === undefined)
  throw new Error('usage: crash-child.fixture.ts <dataDir> <iteration>');
const store = await EmbeddedLogStore.open({ dataDir, fsync: 'always' });
const log = await store.open('crash', 0, testConfig({ segmentBytes: 64 * 1024 }));
process.stdout.write(`ready ${log.endOffset}\n`);
let batch = 0;
async function worker(): Promise<void> {
  for (;;) {
    const n = batch++;
    const count = 1 + (n % 5);
    const records = Array.from({ length: count }, (_, k) => ({
      key: null,
      value: Buffer.from(`i${iteration}-b${n}-${k}`),
    }));
    const res = await log.append(encodeRecordBatch(records));
    process.stdout.write(`ack ${iteration} ${n} ${res.baseOffset} ${res.lastOffset}\n`);
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
