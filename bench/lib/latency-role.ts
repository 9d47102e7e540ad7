/**
 * One side of the end-to-end latency workload, run as its own process by bench/streams.ts:
 * `producer` sends `rate` events/s open-loop on a 1 ms timer (one binary request per tick, the
 * send time from process.hrtime inside each event); `consumer` long-polls as a group member,
 * parses each event and records now − send time. Results go back over IPC.
 * Usage: tsx latency-role.ts <producer|consumer> <url> <stream> <rate> <warmupS> <durationS>
 */
import { MEDIA } from '../../packages/protocol/src/index.ts';
import { binaryProduceBody } from './events.ts';
import { walkFetch } from './fetch-walk.ts';
import { LoadClient } from './http-load.ts';
import { percentiles } from './stats.ts';

const [role, url, stream, rateArg, warmArg, durArg] = process.argv.slice(2);
const rate = Number(rateArg);
const warmS = Number(warmArg);
const durS = Number(durArg);
const total = Math.round(rate * (warmS + durS));
const warmCount = Math.round(rate * warmS);
const nowNs = () => Number(process.hrtime.bigint());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const client = new LoadClient(url!, 16);
const send = (m: unknown) => process.send?.(m);

async function producer(): Promise<void> {
  const acks: number[] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  const t0 = nowNs();
  let sent = 0;
  while (sent < total) {
    const elapsed = nowNs() - t0;
    if (elapsed > (warmS + durS + 5) * 1e9) break; // fell too far behind
    const due = Math.min(total, Math.floor((elapsed / 1e9) * rate));
    if (due > sent) {
      const first = sent;
      const ts = nowNs();
      const body = binaryProduceBody(0, first, due - first, ts);
      sent = due;
      const p = client
        .request('POST', `/v1/streams/${stream}/records`, body, { 'content-type': MEDIA.recordBatches })
        .then(
          () => {
            // One sample per event, as the peers measure publish→ack.
            const lat = nowNs() - ts;
            for (let seq = Math.max(first, warmCount); seq < due; seq++) acks.push(lat);
          },
          () => {
            errors++;
          },
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await sleep(1);
  }
  await Promise.all(pending);
  const elapsedS = (nowNs() - t0) / 1e9;
  send({ result: { ...percentiles(acks), sent, errors, achievedRate: Math.round(sent / elapsedS) } });
}

async function consumer(): Promise<void> {
  const join = await client.json<{ generation: number; assignment: { stream: string; partition: number }[] }>(
    '/v1/groups/latency/members',
    { memberId: 'latency-consumer', streams: [stream] },
  );
  const positions = join.assignment.map((a) => ({ stream: a.stream, partition: a.partition, offset: 0 }));
  send({ ready: true });
  const lats: number[] = [];
  let got = 0;
  // Commits never hold up the next fetch: one is in flight at a time, and offsets that move
  // meanwhile are committed when it returns (as the peers' consumers ack without waiting).
  let committing: Promise<void> | null = null;
  let dirty = false;
  const commitNow = (): void => {
    dirty = false;
    const offsets = positions.map((p) => ({ stream: p.stream, partition: p.partition, offset: p.offset }));
    committing = client
      .json<void>('/v1/groups/latency/offsets', {
        memberId: 'latency-consumer',
        generation: join.generation,
        offsets,
      })
      .catch(() => {})
      .finally(() => {
        committing = null;
        if (dirty) commitNow();
      });
  };
  const stopAt = nowNs() + (warmS + durS + 20) * 1e9;
  const fetchBody = () => Buffer.from(JSON.stringify({ positions, maxWaitMs: 1000, maxBytes: 1 << 20 }));
  const onValue = (buf: Buffer, start: number, end: number) => {
    const now = nowNs();
    const e = JSON.parse(buf.toString('utf8', start, end)) as { seq: number; ts: number };
    if (e.seq >= warmCount) lats.push(now - e.ts);
  };
  while (got < total && nowNs() < stopAt) {
    const res = await client.request('POST', '/v1/fetch', fetchBody(), {
      'content-type': 'application/json',
      accept: MEDIA.recordBatches,
    });
    const n = walkFetch(res.body, positions, onValue);
    got += n;
    if (n > 0) {
      if (committing === null) commitNow();
      else dirty = true;
    }
  }
  for (let i = 0; i < 100 && committing !== null; i++) await committing;
  send({ result: { ...percentiles(lats), received: got, expected: total } });
}

try {
  if (role === 'producer') await producer();
  else if (role === 'consumer') await consumer();
  else throw new Error(`unknown role ${role}`);
} finally {
  client.close();
}
