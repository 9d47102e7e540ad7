/**
 * Embedded log engine benchmark: appends of 200-byte records in batches of 1,000 with several
 * appends in flight (fsync always, then never for the ratio), sequential read throughput of raw
 * batches, restart time after writing a large log (clean stop and crash path), and memory.
 * Usage: `npx tsx bench/log-engine.ts [--quick]`. Writes bench/results/log-engine.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch, type RecordInput } from '../packages/protocol/src/index.ts';
import { EmbeddedLogStore } from '../packages/server/src/storage/embedded/log/index.ts';
import type {
  FsyncPolicy,
  PartitionLog,
  PartitionLogConfig,
} from '../packages/server/src/storage/log-store.ts';

const quick = process.argv.includes('--quick');
const RECORD_BYTES = 200;
const BATCH = 1_000;
const IN_FLIGHT = 8;
const appendRecords = quick ? 2_000_000 : 6_000_000;
const largeLogBytes = quick ? 1 << 30 : 4 * (1 << 30);
const config: PartitionLogConfig = {
  segmentBytes: 128 * 1024 * 1024,
  retentionMs: null,
  retentionBytes: null,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86_400_000,
};

function makeBatch(seed: number): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < BATCH; i++) {
    const value = Buffer.alloc(RECORD_BYTES, 97 + ((seed + i) % 26));
    records.push({ key: null, value });
  }
  return encodeRecordBatch(records, { timestamp: Date.now() });
}

const pool = Array.from({ length: IN_FLIGHT * 2 }, (_, i) => makeBatch(i));
const mb = (n: number) => Math.round(n / 1e6);

interface AppendRun {
  fsync: FsyncPolicy;
  records: number;
  seconds: number;
  eventsPerSec: number;
  mbPerSec: number;
  appendP50Ms: number;
  appendP99Ms: number;
  fsyncs: number;
  fsyncP50Ms: number;
  fsyncP99Ms: number;
  recordsPerFsync: number;
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 1000) / 1000;
}

async function appendLoad(
  log: PartitionLog,
  records: number,
): Promise<{ seconds: number; latencies: number[] }> {
  const batches = Math.ceil(records / BATCH);
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async (slot: number) => {
    let k = 0;
    while (next < batches) {
      next++;
      const buf = pool[slot * 2 + (k++ % 2)]!;
      const t = performance.now();
      await log.append(buf);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => worker(i)));
  return { seconds: (performance.now() - start) / 1000, latencies };
}

async function runAppend(fsync: FsyncPolicy, records: number, dataDir: string): Promise<AppendRun> {
  const fsyncTimes: number[] = [];
  const store = await EmbeddedLogStore.open({
    dataDir,
    fsync,
    observer: { onFsync: (ms) => fsync === 'always' && fsyncTimes.push(ms) },
  });
  const log = await store.open('bench', 0, config);
  await appendLoad(log, 50_000); // warm-up
  fsyncTimes.length = 0;
  const { seconds, latencies } = await appendLoad(log, records);
  await store.close();
  latencies.sort((a, b) => a - b);
  fsyncTimes.sort((a, b) => a - b);
  return {
    fsync,
    records,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSec: Math.round(records / seconds),
    mbPerSec: mb((records * (RECORD_BYTES + 4)) / seconds),
    appendP50Ms: pct(latencies, 0.5),
    appendP99Ms: pct(latencies, 0.99),
    fsyncs: fsyncTimes.length,
    fsyncP50Ms: pct(fsyncTimes, 0.5),
    fsyncP99Ms: pct(fsyncTimes, 0.99),
    recordsPerFsync: fsyncTimes.length === 0 ? 0 : Math.round(records / fsyncTimes.length),
  };
}

async function readThroughput(
  log: PartitionLog,
  maxBytes: number,
): Promise<{ eventsPerSec: number; mbPerSec: number }> {
  let offset = log.startOffset;
  let records = 0;
  let bytes = 0;
  const start = performance.now();
  for (;;) {
    const r = await log.read(offset, maxBytes);
    if (r.data.length === 0) break;
    // A binary consumer forwards raw batches; count records from the headers only.
    for (let p = 0; p < r.data.length; p += r.data.readInt32BE(p + 8) + 12)
      records += r.data.readInt32BE(p + 57);
    bytes += r.data.length;
    offset = r.nextOffset;
  }
  const seconds = (performance.now() - start) / 1000;
  return { eventsPerSec: Math.round(records / seconds), mbPerSec: mb(bytes / seconds) };
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(join(os.tmpdir(), 'sy-bench-log-'));
  try {
    const always = await runAppend('always', appendRecords, join(root, 'always'));
    const never = await runAppend('never', appendRecords, join(root, 'never'));
    await fs.rm(join(root, 'always'), { recursive: true, force: true });
    await fs.rm(join(root, 'never'), { recursive: true, force: true });

    // A large log for restart and read measurements.
    const dataDir = join(root, 'large');
    const large = Math.floor(largeLogBytes / (RECORD_BYTES + 10) / BATCH) * BATCH;
    const store = await EmbeddedLogStore.open({ dataDir, fsync: 'never' });
    const log = await store.open('bench', 0, config);
    await appendLoad(log, large);
    const sizeBytes = log.sizeBytes;
    // Crash path: a second store opens the directory without the first one closing (no clean-stop snapshot).
    let t = performance.now();
    const crashed = await EmbeddedLogStore.open({ dataDir });
    const crashedLog = await crashed.open('bench', 0, config);
    const restartCrashMs = Math.round(performance.now() - t);
    const crashOk = crashedLog.endOffset === log.endOffset;
    await store.close();
    await crashed.close();
    t = performance.now();
    const reopened = await EmbeddedLogStore.open({ dataDir });
    const log2 = await reopened.open('bench', 0, config);
    const restartCleanMs = Math.round(performance.now() - t);
    const read1M = await readThroughput(log2, 1 << 20);
    const read256K = await readThroughput(log2, 256 << 10);
    const memory = process.memoryUsage();
    await reopened.close();

    const result = {
      quick,
      machine: { cpus: os.cpus().length, node: process.version },
      settings: {
        recordBytes: RECORD_BYTES,
        batch: BATCH,
        inFlight: IN_FLIGHT,
        segmentBytes: config.segmentBytes,
      },
      append: {
        always,
        never,
        alwaysToNeverRatio: Math.round((always.eventsPerSec / never.eventsPerSec) * 100) / 100,
      },
      read: { maxBytes1MiB: read1M, maxBytes256KiB: read256K },
      restart: {
        logBytes: sizeBytes,
        records: large,
        restartCleanMs,
        restartCrashMs,
        crashEndOffsetMatches: crashOk,
      },
      memory: { rssMB: mb(memory.rss), heapUsedMB: mb(memory.heapUsed), externalMB: mb(memory.external) },
    };
    console.table([always, never].map((r) => ({ ...r })));
    console.table({ read1MiB: read1M, read256KiB: read256K });
    console.table(result.restart);
    console.table(result.memory);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/log-engine.json', `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
