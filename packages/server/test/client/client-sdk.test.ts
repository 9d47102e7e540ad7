import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ConsumedRecord, Switchyard } from '@switchyard/client';
import { isSwitchyardError, partitionForKey } from '@switchyard/protocol';
import { type SpawnedServer, spawnServer } from '../helpers/spawn-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('client against a real server', () => {
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

  it('creates, lists, describes, grows and deletes a stream', async () => {
    const created = await sy.admin.createStream('admin-s', { partitions: 2, retentionMs: 60_000 });
    assert.equal(created.name, 'admin-s');
    assert.equal(created.partitions, 2);
    assert.ok((await sy.admin.listStreams()).some((s) => s.name === 'admin-s'));
    const grown = await sy.admin.updateStream('admin-s', { partitions: 3 });
    assert.equal(grown.partitions, 3);
    const described = await sy.admin.describeStream('admin-s');
    assert.equal(described.partitionInfo?.length, 3);
    await sy.admin.deleteStream('admin-s');
    await assert.rejects(sy.admin.describeStream('admin-s'), (err) =>
      isSwitchyardError(err, 'SY_ERR_STREAM_NOT_FOUND'),
    );
  });

  it("re-raises the server's errors with code and message", async () => {
    await sy.admin.createStream('dup-s');
    const err = await sy.admin.createStream('dup-s').catch((e: unknown) => e);
    assert.ok(isSwitchyardError(err, 'SY_ERR_STREAM_EXISTS'));
    assert.match(err.message, /dup-s/);
    const shrink = await sy.admin.updateStream('dup-s', { partitions: 0 }).catch((e: unknown) => e);
    assert.ok(isSwitchyardError(shrink));
  });

  it('produces keyed records to the partitions Kafka would pick, in order, readable back', async () => {
    await sy.admin.createStream('keyed', { partitions: 4 });
    const producer = sy.producer({ stream: 'keyed' });
    const records = Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 37}`, value: { i } }));
    const meta = await producer.sendMany(records);
    for (const [i, m] of meta.entries())
      assert.equal(m.partition, partitionForKey(Buffer.from(`k${i % 37}`), 4));
    await producer.close();
    const described = await sy.admin.describeStream('keyed');
    const total = described.partitionInfo!.reduce((n, p) => n + p.endOffset - p.startOffset, 0);
    assert.equal(total, 2000);
    const first = meta[0]!;
    const read = await sy.admin.read('keyed', first.partition, { offset: first.offset, maxRecords: 1 });
    assert.deepEqual(read.records[0]?.value, { i: 0 });
    assert.equal(read.records[0]?.key, 'k0');
  });

  it('keeps keyless records together per batch and answers every send', async () => {
    await sy.admin.createStream('keyless', { partitions: 3 });
    const producer = sy.producer({ stream: 'keyless', lingerMs: 2 });
    const sent = await Promise.all(Array.from({ length: 300 }, (_, i) => producer.send({ value: `v${i}` })));
    const seen = new Set(sent.map((m) => `${m.partition}/${m.offset}`));
    assert.equal(seen.size, 300);
    await producer.close();
  });

  it('consumes given partitions from earliest without a group', async () => {
    await sy.admin.createStream('plain', { partitions: 2 });
    const producer = sy.producer({ stream: 'plain' });
    await producer.sendMany(Array.from({ length: 500 }, (_, i) => ({ key: String(i), value: String(i) })));
    await producer.close();
    const consumer = sy.consumer({ streams: ['plain'], from: 'earliest' });
    const got = new Set<string>();
    for await (const r of consumer) {
      got.add(r.value!.toString());
      if (got.size === 500) break;
    }
    assert.equal(got.size, 500);
  });

  it('shares partitions in a group, commits, and hands over on rebalance without loss', async () => {
    await sy.admin.createStream('grouped', { partitions: 4 });
    const producer = sy.producer({ stream: 'grouped' });
    const n = 4000;
    await producer.sendMany(Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: String(i) })));
    const seen: ConsumedRecord[] = [];
    const a = sy.consumer({ group: 'g1', streams: ['grouped'], maxWaitMs: 100 });
    const runA = a.run({
      eachRecord: async (r) => {
        seen.push(r);
        if (seen.length % 200 === 0) await new Promise((res) => setImmediate(res));
      },
    });
    await waitFor(() => seen.length > 0, 10_000, 'member A to consume');
    const b = sy.consumer({ group: 'g1', streams: ['grouped'], maxWaitMs: 100 });
    const runB = b.run({ eachRecord: (r) => void seen.push(r) });
    await waitFor(() => b.assignment.length > 0, 15_000, 'member B to get partitions');
    await waitFor(() => new Set(seen.map((r) => r.value!.toString())).size === n, 15_000, 'all records');
    await Promise.all([a.close(), b.close(), runA, runB]);
    const values = new Set(seen.map((r) => r.value!.toString()));
    assert.equal(values.size, n);
    const group = await sy.admin.describeGroup('g1');
    assert.equal(group.totalLag, 0);
    assert.equal(group.members.length, 0);
    await producer.close();
  });

  it('starts a new group at the end with from: latest', async () => {
    await sy.admin.createStream('latest', { partitions: 1 });
    const producer = sy.producer({ stream: 'latest' });
    await producer.send({ value: 'old' });
    const c = sy.consumer({ group: 'g-latest', streams: ['latest'], from: 'latest', maxWaitMs: 100 });
    const got: string[] = [];
    const run = c.run({ eachRecord: (r) => void got.push(r.value!.toString()) });
    await waitFor(() => c.assignment.length === 1, 10_000, 'assignment');
    await producer.send({ value: 'new' });
    await waitFor(() => got.length > 0, 10_000, 'the new record');
    await c.close();
    await run;
    assert.deepEqual(got, ['new']);
    await producer.close();
  });
});
