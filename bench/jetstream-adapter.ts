/**
 * JetStream adapter benchmark (ADR 0006): a spawned single nats-server (file storage, R1) and the
 * adapter in this process. Appends of 1,000 × 200-byte record batches and of single-record batches
 * with 1 and many in flight, a sequential read of the whole partition, compare-and-set on the KV
 * adapter, and raw `js.publish` of 200-byte messages as the baseline the ratios are taken against.
 * Usage: `npx tsx bench/jetstream-adapter.ts [--quick]`. Writes bench/results/jetstream-adapter.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'nats';
import { encodeRecordBatch, type RecordInput } from '../packages/protocol/src/index.ts';
import { JetStreamKvStore } from '../packages/server/src/storage/jetstream/jetstream-kv-store.ts';
import { JetStreamLogStore } from '../packages/server/src/storage/jetstream/jetstream-log-store.ts';
import type { PartitionLog, PartitionLogConfig } from '../packages/server/src/storage/log-store.ts';
import { startNatsServer } from '../packages/server/test/helpers/nats-server.ts';
import { percentiles } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const scale = quick ? 1 : 4;
const RECORD_BYTES = 200;
const config: PartitionLogConfig = {
  segmentBytes: 1 << 30,
  segmentMs: null,
  retentionMs: null,
  retentionBytes: null,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86_400_000,
};

function batchOf(records: number): Buffer {
  const list: RecordInput[] = [];
  for (let i = 0; i < records; i++) list.push({ value: Buffer.alloc(RECORD_BYTES, 97 + (i % 26)) });
  return encodeRecordBatch(list, { timestamp: Date.now() });
}

/** Appends `total` copies of `batch` with `inFlight` appends outstanding; per-append latency in ns. */
async function appendRun(log: PartitionLog, batch: Buffer, total: number, inFlight: number) {
  const latencies: number[] = [];
  let issued = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (issued < total) {
        issued += 1;
        const t = process.hrtime.bigint();
        await log.append(batch);
        latencies.push(Number(process.hrtime.bigint() - t));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { appendsPerSec: Math.round(total / seconds), seconds, latency: percentiles(latencies) };
}

const server = await startNatsServer();
const nc = await connect({ servers: server.url });
const results: Record<string, unknown> = { quick, recordBytes: RECORD_BYTES };
try {
  const store = new JetStreamLogStore(nc, { prefix: 'bench' });

  const big = batchOf(1000);
  for (const inFlight of [1, 8]) {
    const log = await store.open(`big${inFlight}`, 0, config);
    const n = 300 * scale;
    const r = await appendRun(log, big, n, inFlight);
    results[`append_1000x200B_inflight${inFlight}`] = {
      ...r,
      recordsPerSec: r.appendsPerSec * 1000,
      mbPerSec: Math.round((r.appendsPerSec * big.length) / 1e5) / 10,
    };
  }

  const small = batchOf(1);
  for (const inFlight of [1, 64]) {
    const log = await store.open(`small${inFlight}`, 0, config);
    results[`append_1x200B_inflight${inFlight}`] = await appendRun(log, small, 2000 * scale, inFlight);
  }

  const log = await store.open('big8', 0, config);
  const readStart = process.hrtime.bigint();
  let offset = log.startOffset;
  let bytes = 0;
  while (offset < log.endOffset) {
    const r = await log.read(offset, 1 << 20);
    bytes += r.data.length;
    offset = r.nextOffset;
  }
  const readSeconds = Number(process.hrtime.bigint() - readStart) / 1e9;
  results.read_sequential_1MiB = {
    records: log.endOffset,
    recordsPerSec: Math.round(log.endOffset / readSeconds),
    mbPerSec: Math.round(bytes / readSeconds / 1e5) / 10,
  };
  await store.close();

  const kv = await JetStreamKvStore.open(nc, { bucket: 'bench' });
  let rev = await kv.put('offsets/g/t/0', Buffer.alloc(64));
  const casN = 1000 * scale;
  let t = process.hrtime.bigint();
  for (let i = 0; i < casN; i++) rev = await kv.update('offsets/g/t/0', Buffer.alloc(64), rev);
  results.kv_cas_sequential = { perSec: Math.round(casN / (Number(process.hrtime.bigint() - t) / 1e9)) };
  const keys = Array.from({ length: 64 }, (_, i) => `offsets/g/t/${i + 1}`);
  const revs = await Promise.all(keys.map((k) => kv.put(k, Buffer.alloc(64))));
  t = process.hrtime.bigint();
  await Promise.all(
    keys.map(async (k, i) => {
      let r = revs[i]!;
      for (let j = 0; j < casN / 64; j++) r = await kv.update(k, Buffer.alloc(64), r);
    }),
  );
  results.kv_cas_64_concurrent = { perSec: Math.round(casN / (Number(process.hrtime.bigint() - t) / 1e9)) };

  const js = nc.jetstream();
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'RAW', subjects: ['raw'] });
  const payload = Buffer.alloc(RECORD_BYTES, 120);
  const rawN = 2000 * scale;
  t = process.hrtime.bigint();
  for (let i = 0; i < rawN; i++) await js.publish('raw', payload);
  results.raw_publish_sync = { perSec: Math.round(rawN / (Number(process.hrtime.bigint() - t) / 1e9)) };
  t = process.hrtime.bigint();
  let sent = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (sent < rawN * 4) {
        sent += 1;
        await js.publish('raw', payload);
      }
    }),
  );
  results.raw_publish_window256 = {
    perSec: Math.round((rawN * 4) / (Number(process.hrtime.bigint() - t) / 1e9)),
  };
} finally {
  await nc.close();
  await server.stop();
}

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/jetstream-adapter.json', `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
