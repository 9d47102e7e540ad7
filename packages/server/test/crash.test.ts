// Kill -9 under load, many times: after each restart every acknowledged record is present exactly
// once, at the offset it was acknowledged with, in order per partition. Bounded for CI
// (SWITCHYARD_CRASH_KILLS, default 30); `npm run bench` can run more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFetchFrames, forEachRecord, MEDIA } from '@switchyard/protocol';
import type { SpawnedServer } from './helpers/spawn-server.ts';
import { spawnServer } from './helpers/spawn-server.ts';

const KILLS = Number(process.env.SWITCHYARD_CRASH_KILLS ?? 30);
const PARTITIONS = 3;
const PER_REQUEST = 50;

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

interface Ack {
  seq: number;
  partition: number;
  offset: number;
}

/** Sends produce requests (4 in flight) until the server dies; returns what was acknowledged. */
async function produceUntilDeath(server: SpawnedServer, nextSeq: { value: number }): Promise<Ack[]> {
  const acks: Ack[] = [];
  let alive = true;
  const worker = async () => {
    while (alive) {
      const first = nextSeq.value;
      nextSeq.value += PER_REQUEST;
      const records = Array.from({ length: PER_REQUEST }, (_, i) => ({
        key: `k${(first + i) % 17}`,
        value: { seq: first + i },
      }));
      try {
        const res = await fetch(`${server.url}/v1/streams/crash/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ records }),
        });
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        const body = (await res.json()) as { offsets: { partition: number; offset: number }[] };
        body.offsets.forEach((o, i) => {
          acks.push({ seq: first + i, ...o });
        });
      } catch {
        alive = false;
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return acks;
}

async function readAll(server: SpawnedServer): Promise<Map<number, { offset: number; seq: number }[]>> {
  const out = new Map<number, { offset: number; seq: number }[]>();
  for (let p = 0; p < PARTITIONS; p++) {
    const list: { offset: number; seq: number }[] = [];
    let offset = 0;
    for (;;) {
      const res = await fetch(`${server.url}/v1/fetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: MEDIA.recordBatches },
        body: JSON.stringify({
          positions: [{ stream: 'crash', partition: p, offset }],
          maxBytes: 4 * 1024 * 1024,
        }),
      });
      const [frame] = decodeFetchFrames(Buffer.from(await res.arrayBuffer()));
      let pos = 0;
      const data = frame!.batches;
      while (pos < data.length) {
        forEachRecord(data, pos, (r) => {
          if (r.offset >= offset)
            list.push({ offset: r.offset, seq: (JSON.parse(r.value!.toString()) as { seq: number }).seq });
        });
        pos += data.readInt32BE(pos + 8) + 12;
      }
      if (frame!.nextOffset >= frame!.highWatermark) break;
      offset = frame!.nextOffset;
    }
    out.set(p, list);
  }
  return out;
}

describe('crash safety', () => {
  it(`keeps every acknowledged record through ${KILLS} kill -9s under load`, {
    timeout: 600_000,
  }, async () => {
    const rand = rng(42);
    let server = await spawnServer();
    const dataDir = server.dataDir;
    try {
      const created = await fetch(`${server.url}/v1/streams`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'crash', partitions: PARTITIONS, segmentBytes: 256 * 1024 }),
      });
      assert.equal(created.status, 201);
      const acked: Ack[] = [];
      const nextSeq = { value: 0 };
      for (let kill = 0; kill < KILLS; kill++) {
        const producing = produceUntilDeath(server, nextSeq);
        await new Promise((r) => setTimeout(r, 30 + Math.floor(rand() * 250)));
        await server.kill9();
        acked.push(...(await producing));
        server = await server.restart();
        // After every restart: each acknowledged record is at its offset, exactly once.
        const stored = await readAll(server);
        const bySeq = new Map<number, { partition: number; offset: number }>();
        for (const [partition, list] of stored) {
          list.forEach((r, i) => {
            assert.equal(r.offset, i, `partition ${partition} offsets are contiguous`);
            assert.ok(!bySeq.has(r.seq), `seq ${r.seq} stored twice`);
            bySeq.set(r.seq, { partition, offset: r.offset });
          });
        }
        for (const a of acked) {
          assert.deepEqual(
            bySeq.get(a.seq),
            { partition: a.partition, offset: a.offset },
            `acknowledged seq ${a.seq} after kill ${kill + 1}`,
          );
        }
      }
      assert.ok(acked.length > KILLS * PER_REQUEST, `only ${acked.length} records were acknowledged`);
    } finally {
      await server.kill9();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
