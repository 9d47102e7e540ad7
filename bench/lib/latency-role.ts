/**
 * One side of the end-to-end latency workload, run as its own process by bench/streams.ts:
 * `producer` sends `rate` events/s open-loop on a 1 ms timer (one binary request per tick, the
 * send time from process.hrtime inside each event) over one pipelined keep-alive connection;
 * `consumer` long-polls as a group member on one connection and commits on another, parses each
 * event and records now − send time. Results go back over IPC.
 * Usage: tsx latency-role.ts <producer|consumer> <url> <stream> <rate> <warmupS> <durationS>
 */
import { MEDIA } from '../../packages/protocol/src/index.ts';
import { binaryProduceBody } from './events.ts';
import { walkFetch } from './fetch-walk.ts';
import { RawHttpConnection } from './raw-http.ts';
import { percentiles } from './stats.ts';

const [role, url, stream, rateArg, warmArg, durArg] = process.argv.slice(2);
const rate = Number(rateArg);
const warmS = Number(warmArg);
const durS = Number(durArg);
const total = Math.round(rate * (warmS + durS));
const warmCount = Math.round(rate * warmS);
const nowNs = () => Number(process.hrtime.bigint());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const send = (m: unknown) => process.send?.(m);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

async function producer(): Promise<void> {
  const client = new RawHttpConnection(url!);
  await client.ready();
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
        .request('POST', `/v1/streams/${stream}/records`, body, MEDIA.recordBatches)
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
  client.close();
  const elapsedS = (nowNs() - t0) / 1e9;
  send({ result: { ...percentiles(acks), sent, errors, achievedRate: Math.round(sent / elapsedS) } });
}

async function consumer(): Promise<void> {
  // Fetches long-poll on one connection; commits go on another so they never queue behind a poll.
  const fetcher = new RawHttpConnection(url!);
  const committer = new RawHttpConnection(url!);
  await Promise.all([fetcher.ready(), committer.ready()]);
  const joined = await fetcher.request(
    'POST',
    '/v1/groups/latency/members',
    json({ memberId: 'latency-consumer', streams: [stream] }),
    'application/json',
  );
  const join = JSON.parse(joined.toString('utf8')) as {
    generation: number;
    assignment: { stream: string; partition: number }[];
  };
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
    committing = committer
      .request(
        'POST',
        '/v1/groups/latency/offsets',
        json({ memberId: 'latency-consumer', generation: join.generation, offsets }),
        'application/json',
      )
      .then(() => {})
      .catch(() => {})
      .finally(() => {
        committing = null;
        if (dirty) commitNow();
      });
  };
  const stopAt = nowNs() + (warmS + durS + 20) * 1e9;
  const fetchBody = () => json({ positions, maxWaitMs: 1000, maxBytes: 1 << 20 });
  const onValue = (buf: Buffer, start: number, end: number) => {
    const now = nowNs();
    const e = JSON.parse(buf.toString('utf8', start, end)) as { seq: number; ts: number };
    if (e.seq >= warmCount) lats.push(now - e.ts);
  };
  while (got < total && nowNs() < stopAt) {
    const answer = await fetcher.request(
      'POST',
      '/v1/fetch',
      fetchBody(),
      'application/json',
      MEDIA.recordBatches,
    );
    const n = walkFetch(answer, positions, onValue);
    got += n;
    if (n > 0) {
      if (committing === null) commitNow();
      else dirty = true;
    }
  }
  for (let i = 0; i < 100 && committing !== null; i++) await committing;
  fetcher.close();
  committer.close();
  send({ result: { ...percentiles(lats), received: got, expected: total } });
}

if (role === 'producer') await producer();
else if (role === 'consumer') await consumer();
else throw new Error(`unknown role ${role}`);
