/**
 * Embedded log engine benchmark: appends of 200-byte records in batches of 1,000 with several
 * appends in flight (fsync always, then never for the ratio), sequential read throughput of raw
 * batches, restart time after writing a large log (clean stop and crash path), and memory.
 * Usage: `npx tsx bench/log-engine.ts [--quick] [--dir /dev/shm]`. Writes bench/results/log-engine.json
 * (log-engine-tmpfs.json with --dir).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch, type RecordInput } from '../packages/protocol/src/index.ts';
import { EmbeddedLogStore, type PreallocateMode } from '../packages/server/src/storage/embedded/log/index.ts';
import type {
  FsyncPolicy,
  PartitionLog,
  PartitionLogConfig,
} from '../packages/server/src/storage/log-store.ts';

const quick = process.argv.includes('--quick');
// `--dir /dev/shm` runs on tmpfs: the engine's own CPU ceiling, without the disk.
const baseDir = process.argv[process.argv.indexOf('--dir') + 1] ?? os.tmpdir();
const output = process.argv.includes('--dir')
  ? 'bench/results/log-engine-tmpfs.json'
  : 'bench/results/log-engine.json';
const RECORD_BYTES = 200;
const BATCH = 1_000;
const IN_FLIGHT = 8;
const appendRecords = quick ? 2_000_000 : 6_000_000;
const largeLogBytes = quick ? 1 << 30 : 4 * (1 << 30);
const config: PartitionLogConfig = {
  segmentBytes: 128 * 1024 * 1024,
  segmentMs: null,
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

interface RunSettings {
  name: string;
  fsync: FsyncPolicy;
  preallocate: PreallocateMode;
  /** Pass `verified: true` (the core verified the batches already). */
  verified?: boolean;
  /** Keep about this many bytes and clean every 50 appends, so deleted segments get recycled. */
  retentionBytes?: number;
}

interface AppendRun {
  name: string;
  fsync: FsyncPolicy;
  preallocate: PreallocateMode;
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
  cpuMicrosPerRecord: number;
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 1000) / 1000;
}

async function appendLoad(
  log: PartitionLog,
  records: number,
  run: Pick<RunSettings, 'verified' | 'retentionBytes'> = {},
): Promise<{ seconds: number; latencies: number[] }> {
  const batches = Math.ceil(records / BATCH);
  const latencies: number[] = [];
  const options = { verified: run.verified === true };
  let next = 0;
  const start = performance.now();
  const worker = async (slot: number) => {
    let k = 0;
    while (next < batches) {
      const n = next++;
      const buf = pool[slot * 2 + (k++ % 2)]!;
      const t = performance.now();
      await log.append(buf, options);
      latencies.push(performance.now() - t);
      if (run.retentionBytes !== undefined && n % 50 === 0) await log.clean(Date.now());
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => worker(i)));
  return { seconds: (performance.now() - start) / 1000, latencies };
}

async function runAppend(run: RunSettings, records: number, dataDir: string): Promise<AppendRun> {
  const fsyncTimes: number[] = [];
  const store = await EmbeddedLogStore.open({
    dataDir,
    fsync: run.fsync,
    preallocate: run.preallocate,
    observer: { onFsync: (ms, bytes) => run.fsync === 'always' && bytes > 0 && fsyncTimes.push(ms) },
  });
  const log = await store.open('bench', 0, { ...config, retentionBytes: run.retentionBytes ?? null });
  // Warm-up; with retention, fill past the limit first so the measured part recycles segments.
  await appendLoad(
    log,
    run.retentionBytes === undefined ? 50_000 : Math.ceil((run.retentionBytes * 1.5) / 210),
    run,
  );
  fsyncTimes.length = 0;
  const cpu = process.cpuUsage();
  const { seconds, latencies } = await appendLoad(log, records, run);
  const used = process.cpuUsage(cpu);
  await store.close();
  await fs.rm(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  fsyncTimes.sort((a, b) => a - b);
  return {
    name: run.name,
    fsync: run.fsync,
    preallocate: run.preallocate,
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
    // CPU per record (user + system, whole process incl. thread pool): stabler than events/s on a shared disk.
    cpuMicrosPerRecord: Math.round(((used.user + used.system) / records) * 1000) / 1000,
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

const retained = { verified: true, retentionBytes: 300 << 20 } as const;

async function main(): Promise<void> {
  const root = await fs.mkdtemp(
    join(process.argv.includes('--dir') ? baseDir : os.tmpdir(), 'sy-bench-log-'),
  );
  try {
    // The preallocation comparisons pass `verified` so the disk, not the CRC, is what differs.
    const runs: RunSettings[] = [
      { name: 'always', fsync: 'always', preallocate: 'recycle' },
      { name: 'always, verified by caller', fsync: 'always', preallocate: 'recycle', verified: true },
      { name: 'always, verified, zero-fill', fsync: 'always', preallocate: 'zero-fill', verified: true },
      {
        name: 'always, verified, retention+recycle',
        ...{ fsync: 'always', preallocate: 'recycle' },
        ...retained,
      },
      {
        name: 'always, verified, retention, no recycle',
        ...{ fsync: 'always', preallocate: 'off' },
        ...retained,
      },
      { name: 'never', fsync: 'never', preallocate: 'recycle' },
    ];
    const appended: AppendRun[] = [];
    for (const run of runs)
      appended.push(await runAppend(run, appendRecords, join(root, run.name.replace(/\W+/g, '-'))));
    const [always, , , , , never] = appended as [
      AppendRun,
      AppendRun,
      AppendRun,
      AppendRun,
      AppendRun,
      AppendRun,
    ];

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
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        dir: process.argv.includes('--dir') ? baseDir : 'tmpdir',
      },
      settings: {
        recordBytes: RECORD_BYTES,
        batch: BATCH,
        inFlight: IN_FLIGHT,
        segmentBytes: config.segmentBytes,
      },
      append: {
        runs: appended,
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
    console.table(appended.map(({ fsync: _f, preallocate: _p, records: _r, ...r }) => r));
    console.table({ read1MiB: read1M, read256KiB: read256K });
    console.table(result.restart);
    console.table(result.memory);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
