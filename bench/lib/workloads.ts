/**
 * The stream workloads of bench/streams.ts against a running server, each bounded in count and
 * time: durable ingest (binary and JSON) with a lean closed-loop client, consume with commits as
 * one group member, and the same through the client SDK.
 */
import os from 'node:os';
import { MEDIA } from '../../packages/protocol/src/index.ts';
import { binaryProduceBody, EVENT_BYTES, jsonProduceBody, makeEvent } from './events.ts';
import { nextPositions, type Position, walkFetch } from './fetch-walk.ts';
import { closedLoop, LoadClient } from './http-load.ts';
import { type CpuUse, cpuMeter, resetPeak, rssOf } from './proc-stats.ts';

/** What every throughput phase reports. */
export interface ThroughputResult {
  events: number;
  seconds: number;
  eventsPerSec: number;
  /** Payload MB/s (200-byte events), like the peers report. */
  mbPerSec: number;
  /** Request body MB/s as sent or received on the wire. */
  wireMbPerSec: number;
  cpu: CpuUse;
  serverRssMiB: number | null;
  serverPeakRssMiB: number | null;
  load1: number;
  [extra: string]: unknown;
}

function finish(
  events: number,
  wireBytes: number,
  t0: number,
  cpu: () => CpuUse,
  serverPid: number,
  extra: Record<string, unknown>,
): ThroughputResult {
  const seconds = (performance.now() - t0) / 1000;
  const rss = rssOf(serverPid);
  return {
    events,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSec: Math.round(events / seconds),
    mbPerSec: Math.round((events * EVENT_BYTES) / seconds / 1e5) / 10,
    wireMbPerSec: Math.round(wireBytes / seconds / 1e5) / 10,
    cpu: cpu(),
    serverRssMiB: rss.rssMiB,
    serverPeakRssMiB: rss.peakMiB,
    load1: Math.round(os.loadavg()[0]! * 100) / 100,
    ...extra,
  };
}

/** Settings of an ingest run. */
export interface IngestOptions {
  url: string;
  serverPid: number;
  stream: string;
  events: number;
  batch: number;
  inFlight: number;
  partitions: number;
  maxSeconds: number;
}

/** Durable ingest over the binary path: pre-encoded one-batch frames, round-robin over partitions. */
export async function ingestBinary(o: IngestOptions): Promise<ThroughputResult> {
  const pool = Array.from({ length: o.partitions * 4 }, (_, i) =>
    binaryProduceBody(i % o.partitions, i * o.batch, o.batch),
  );
  return ingest(o, pool, MEDIA.recordBatches, 'binary');
}

/** Durable ingest over HTTP JSON: `{records:[{key:null,value:<event>}…]}` bodies of `batch` events. */
export async function ingestJson(o: IngestOptions): Promise<ThroughputResult> {
  const pool = Array.from({ length: 8 }, (_, i) => jsonProduceBody(i * o.batch, o.batch));
  return ingest(o, pool, MEDIA.json, 'json');
}

async function ingest(
  o: IngestOptions,
  pool: Buffer[],
  type: string,
  mode: string,
): Promise<ThroughputResult> {
  const client = new LoadClient(o.url, o.inFlight);
  const path = `/v1/streams/${o.stream}/records`;
  const headers = { 'content-type': type };
  const requests = Math.ceil(o.events / o.batch);
  let wire = 0;
  resetPeak(o.serverPid);
  const cpu = cpuMeter(o.serverPid);
  const t0 = performance.now();
  const done = await closedLoop(requests, o.inFlight, t0 + o.maxSeconds * 1000, async (i) => {
    const body = pool[i % pool.length]!;
    wire += body.length;
    await client.request('POST', path, body, headers);
  });
  const r = finish(done * o.batch, wire, t0, cpu, o.serverPid, {
    mode,
    batch: o.batch,
    inFlight: o.inFlight,
    partitions: o.partitions,
    requestBytes: pool[0]!.length,
  });
  client.close();
  return r;
}

/** Settings of a consume run. */
export interface ConsumeOptions {
  url: string;
  serverPid: number;
  stream: string;
  group: string;
  /** Stop after this many records. */
  events: number;
  maxBytes: number;
  maxSeconds: number;
}

/**
 * One group member: joins, long-polls binary fetches over its whole assignment, walks every
 * record (skipping those below the requested offset) and commits after each fetch. The next
 * fetch is sent before the answer in hand is walked (its offsets come from the frame headers),
 * and the commit overlaps it too, as a prefetching consumer does.
 */
export async function consumeLean(o: ConsumeOptions): Promise<ThroughputResult> {
  const client = new LoadClient(o.url, 3);
  const memberId = `${o.group}-member`;
  const join = await client.json<{ generation: number; assignment: Omit<Position, 'offset'>[] }>(
    `/v1/groups/${o.group}/members`,
    { memberId, streams: [o.stream] },
  );
  const headers = { 'content-type': 'application/json', accept: MEDIA.recordBatches };
  const fetch = (positions: Position[]) =>
    client.request(
      'POST',
      '/v1/fetch',
      Buffer.from(JSON.stringify({ positions, maxWaitMs: 500, maxBytes: o.maxBytes })),
      headers,
    );
  let positions: Position[] = join.assignment.map((a) => ({ ...a, offset: 0 }));
  let count = 0;
  let wire = 0;
  let fetches = 0;
  let commit: Promise<unknown> = Promise.resolve();
  resetPeak(o.serverPid);
  const cpu = cpuMeter(o.serverPid);
  const t0 = performance.now();
  const deadline = t0 + o.maxSeconds * 1000;
  let inFlight: Promise<{ body: Buffer }> | null = fetch(positions);
  while (inFlight !== null) {
    const res = await inFlight;
    fetches++;
    wire += res.body.length;
    const { next, caughtUp } = nextPositions(res.body, positions);
    inFlight = null;
    let sent = positions;
    if (!caughtUp && count < o.events && performance.now() < deadline) {
      inFlight = fetch(next);
      sent = next;
    }
    // Let the event loop put the next fetch on the wire before the synchronous walk: a request
    // is written only once the agent hands it a socket, on a later tick.
    if (inFlight !== null) await new Promise((resolve) => setImmediate(resolve));
    const walked = positions.map((p) => ({ ...p }));
    count += walkFetch(res.body, walked);
    if (count >= o.events || performance.now() >= deadline) {
      await inFlight;
      inFlight = null;
    } else if (inFlight === null) {
      inFlight = fetch(walked); // caught up before the target: long-poll for more
      sent = walked;
    }
    await commit;
    commit = client.json(`/v1/groups/${o.group}/offsets`, {
      memberId,
      generation: join.generation,
      offsets: walked.map((p) => ({ stream: p.stream, partition: p.partition, offset: p.offset })),
    });
    positions = sent;
  }
  await commit;
  const r = finish(count, wire, t0, cpu, o.serverPid, {
    mode: 'lean group member: binary long-poll fetch, next fetch sent before walking, commit after each fetch',
    fetches,
    maxBytes: o.maxBytes,
    partitions: positions.length,
  });
  client.close();
  return r;
}

/** The client SDK: a Producer (defaults, sendMany of 1,000 with `inFlight` calls outstanding). */
export async function ingestSdk(o: IngestOptions): Promise<ThroughputResult> {
  const { Switchyard } = await import('../../packages/client/src/index.ts');
  const sy = new Switchyard({ url: o.url });
  try {
    await sy.admin.createStream(o.stream, { partitions: o.partitions });
    const producer = sy.producer({ stream: o.stream });
    await producer.connect();
    const records = Array.from({ length: o.batch }, (_, i) => ({ value: makeEvent(i) }));
    resetPeak(o.serverPid);
    const cpu = cpuMeter(o.serverPid);
    const t0 = performance.now();
    const calls = Math.ceil(o.events / o.batch);
    const done = await closedLoop(calls, o.inFlight, t0 + o.maxSeconds * 1000, () =>
      producer.sendMany(records),
    );
    await producer.flush();
    return finish(done * o.batch, done * o.batch * EVENT_BYTES, t0, cpu, o.serverPid, {
      mode: 'SDK Producer (idempotent, defaults), sendMany of batch',
      batch: o.batch,
      inFlight: o.inFlight,
      partitions: o.partitions,
    });
  } finally {
    await sy.close();
  }
}

/** The client SDK: a group Consumer with `run({eachBatch})` and auto-commit, until `events` records. */
export async function consumeSdk(o: ConsumeOptions): Promise<ThroughputResult> {
  const { Switchyard } = await import('../../packages/client/src/index.ts');
  const sy = new Switchyard({ url: o.url });
  try {
    const consumer = sy.consumer({
      group: o.group,
      streams: [o.stream],
      from: 'earliest',
      maxBytes: o.maxBytes,
    });
    let count = 0;
    resetPeak(o.serverPid);
    const cpu = cpuMeter(o.serverPid);
    const t0 = performance.now();
    const timer = setTimeout(() => consumer.stop(), o.maxSeconds * 1000);
    await consumer.run({
      eachBatch: (b) => {
        count += b.records.length;
        if (count >= o.events) consumer.stop();
      },
    });
    clearTimeout(timer);
    return finish(count, count * EVENT_BYTES, t0, cpu, o.serverPid, {
      mode: 'SDK Consumer (group, run eachBatch, auto-commit)',
      maxBytes: o.maxBytes,
    });
  } finally {
    await sy.close();
  }
}
