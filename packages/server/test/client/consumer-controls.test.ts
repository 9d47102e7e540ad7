// pause / resume / seek and the assignment callbacks of the client consumer, against a real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ConsumedRecord, Switchyard } from '@switchyard/client';
import type { TopicPartition } from '@switchyard/protocol';
import { type SpawnedServer, spawnServer } from '../helpers/spawn-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const offsetsOf = (seen: readonly ConsumedRecord[], partition: number): number[] =>
  seen.filter((r) => r.partition === partition).map((r) => r.offset);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const sorted = (list: readonly TopicPartition[]): string[] =>
  list.map((tp) => `${tp.stream}/${tp.partition}`).sort();

describe('consumer pause, resume, seek and assignment callbacks', () => {
  let server: SpawnedServer;
  let sy: Switchyard;

  before(async () => {
    server = await spawnServer();
    sy = new Switchyard({ url: server.url, retry: { retries: 2, initialMs: 20, maxMs: 100 } });
  });

  after(async () => {
    await sy?.close();
    await server?.cleanup();
  });

  async function fill(stream: string, partitions: number, perPartition: number): Promise<void> {
    await sy.admin.createStream(stream, { partitions });
    const producer = sy.producer({ stream });
    const records = [];
    for (let p = 0; p < partitions; p++)
      for (let i = 0; i < perPartition; i++) records.push({ partition: p, value: { p, i } });
    await producer.sendMany(records);
    await producer.close();
  }

  it('pauses and resumes partitions without losing or repeating records, and seeks', async () => {
    await fill('pz', 2, 10);
    const seen: ConsumedRecord[] = [];
    const p0 = { stream: 'pz', partition: 0 };
    const p1 = { stream: 'pz', partition: 1 };
    const consumer = sy.consumer({ streams: ['pz'], maxWaitMs: 50 });
    consumer.pause([p1]);
    consumer.seek({ ...p0, offset: 2 }); // not held yet: applies once it is
    let pausedInHandler = false;
    const run = consumer.run({
      eachRecord: (r) => {
        seen.push(r);
        // Pause in the middle of a fetched batch: the rest of it must come after resume, once.
        if (r.partition === 0 && r.offset === 5 && !pausedInHandler) {
          pausedInHandler = true;
          consumer.pause([p0]);
        }
      },
    });
    await waitFor(() => pausedInHandler, 10_000, 'partition 0 up to offset 5');
    assert.deepEqual(sorted(consumer.paused()), ['pz/0', 'pz/1']);
    consumer.resume([p1]);
    await waitFor(() => offsetsOf(seen, 1).length === 10, 10_000, 'partition 1 after resume');
    assert.deepEqual(offsetsOf(seen, 0), [2, 3, 4, 5], 'nothing of partition 0 while paused');
    consumer.resume([p0]);
    await waitFor(() => offsetsOf(seen, 0).length === 8, 10_000, 'partition 0 after resume');
    assert.deepEqual(offsetsOf(seen, 0), range(2, 10));
    assert.deepEqual(offsetsOf(seen, 1), range(0, 10));

    consumer.seek({ ...p1, offset: 7 });
    await waitFor(() => offsetsOf(seen, 1).length === 13, 10_000, 'partition 1 again from 7');
    assert.deepEqual(offsetsOf(seen, 1), [...range(0, 10), 7, 8, 9]);
    consumer.stop();
    await run;
    assert.throws(() => consumer.seek({ ...p0, offset: -1 }), TypeError);
  });

  it('a seek inside the handler drops the rest of the batch in hand', async () => {
    await fill('sk', 1, 10);
    const seen: number[] = [];
    let jumped = false;
    const consumer = sy.consumer({ streams: ['sk'], maxWaitMs: 50 });
    const run = consumer.run({
      eachRecord: (r) => {
        seen.push(r.offset);
        if (r.offset === 3 && !jumped) {
          jumped = true;
          consumer.seek({ stream: 'sk', partition: 0, offset: 8 });
        }
      },
    });
    await waitFor(() => seen.at(-1) === 9, 10_000, 'the records after the seek');
    consumer.stop();
    await run;
    assert.deepEqual(seen, [0, 1, 2, 3, 8, 9]);
  });

  it('tells a group member what it is assigned and what is revoked, so it can commit in time', async () => {
    await fill('cb', 4, 5);
    const events: string[] = [];
    const processedA: ConsumedRecord[] = [];
    const a = sy.consumer({
      group: 'callbacks',
      streams: ['cb'],
      maxWaitMs: 50,
      sessionTimeoutMs: 6_000,
      autoCommit: false,
      onPartitionsAssigned: (tps) => void events.push(`A+ ${sorted(tps).join(',')}`),
      onPartitionsRevoked: async (tps) => {
        events.push(`A- ${sorted(tps).join(',')}`);
        await a.commit(); // autoCommit is off: without this the revoked work would be read again
      },
    });
    const runA = a.run({ eachRecord: (r) => void processedA.push(r) });
    await waitFor(() => processedA.length === 20, 15_000, 'member A to read everything');
    assert.deepEqual(events, ['A+ cb/0,cb/1,cb/2,cb/3']);

    const processedB: ConsumedRecord[] = [];
    let assignedB: TopicPartition[] = [];
    const b = sy.consumer({
      group: 'callbacks',
      streams: ['cb'],
      maxWaitMs: 50,
      sessionTimeoutMs: 6_000,
      onPartitionsAssigned: (tps) => {
        assignedB = tps;
        // Start the handed-over partitions one record before the end, whatever was committed.
        for (const tp of tps) b.seek({ ...tp, offset: 4 });
      },
    });
    const runB = b.run({ eachRecord: (r) => void processedB.push(r) });
    await waitFor(() => assignedB.length === 2, 20_000, 'member B to get two partitions');
    const revoked = events.find((e) => e.startsWith('A- '));
    assert.equal(revoked, `A- ${sorted(assignedB).join(',')}`, 'A heard of exactly what B got');
    const committed = await sy.admin.groupOffsets('callbacks');
    for (const tp of assignedB) {
      const c = committed.find((o) => o.stream === tp.stream && o.partition === tp.partition);
      assert.equal(c?.offset, 5, `A committed ${tp.partition} in its callback`);
    }
    await waitFor(() => processedB.length === 2, 10_000, 'member B to read from its seek');
    assert.deepEqual(
      processedB.map((r) => r.offset),
      [4, 4],
    );
    await Promise.all([a.close(), b.close(), runA, runB]);
    assert.equal(events.filter((e) => e.startsWith('A- ')).length, 2, 'close revokes the rest');
  });
});
