import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeBatches,
  encodeRecordBatch,
  isSwitchyardError,
  type SwitchyardError,
} from '@switchyard/protocol';
import { connect, type NatsConnection } from 'nats';
import { CONTRACT_CONFIG, readAll } from '../../src/storage/contract/log-contract.ts';
import { JetStreamLogStore } from '../../src/storage/jetstream/jetstream-log-store.ts';
import { partitionStreamName } from '../../src/storage/jetstream/log-naming.ts';
import { sharedNatsServer, startNatsServer } from '../helpers/nats-server.ts';

const getServer = sharedNatsServer();

const batch = (
  value: string,
  producer?: { producerId: number; producerEpoch: number; baseSequence: number },
) => encodeRecordBatch([{ value: Buffer.from(value) }], { timestamp: 1_700_000_000_000, ...producer });

let prefixes = 0;

/** Two Switchyard "nodes": separate connections and stores on one prefix. */
async function twoNodes(): Promise<{
  a: JetStreamLogStore;
  b: JetStreamLogStore;
  prefix: string;
  ncs: NatsConnection[];
  done: () => Promise<void>;
}> {
  const { url } = await getServer();
  const prefix = `n${process.pid}x${++prefixes}`;
  const ncs = [await connect({ servers: url }), await connect({ servers: url })];
  const a = new JetStreamLogStore(ncs[0]!, { prefix });
  const b = new JetStreamLogStore(ncs[1]!, { prefix });
  return {
    a,
    b,
    prefix,
    ncs,
    done: async () => {
      await a.close();
      await b.close();
      const jsm = await ncs[0]!.jetstreamManager();
      for await (const name of jsm.streams.names(`${prefix}.log.>`)) await jsm.streams.delete(name);
      for (const nc of ncs) await nc.close();
    },
  };
}

describe('JetStreamLogStore across nodes', () => {
  it('fences concurrent writers: both succeed with disjoint, contiguous offsets', async () => {
    const n = await twoNodes();
    try {
      const la = await n.a.open('orders', 0, CONTRACT_CONFIG);
      const lb = await n.b.open('orders', 0, CONTRACT_CONFIG);
      const results = await Promise.all([
        ...Array.from({ length: 25 }, (_, i) => la.append(batch(`a${i}`))),
        ...Array.from({ length: 25 }, (_, i) => lb.append(batch(`b${i}`))),
      ]);
      const offsets = results.map((r) => r.baseOffset).sort((x, y) => x - y);
      assert.deepEqual(
        offsets,
        Array.from({ length: 50 }, (_, i) => i),
      );
      // Each node learns of the other's appends asynchronously; clean catches a node up at once.
      await la.clean(Date.now());
      await lb.clean(Date.now());
      const fromA = (await readAll(la, 0)).map((r) => r.value?.toString());
      const fromB = (await readAll(lb, 0)).map((r) => r.value?.toString());
      assert.equal(fromA.length, 50);
      assert.deepEqual(fromA, fromB);
      const aOrder = fromA.filter((v) => v?.startsWith('a'));
      assert.deepEqual(
        aOrder,
        Array.from({ length: 25 }, (_, i) => `a${i}`),
        "one node's appends keep their order",
      );
    } finally {
      await n.done();
    }
  });

  it("wakes onAppend listeners for another node's appends", async () => {
    const n = await twoNodes();
    try {
      const la = await n.a.open('events', 3, CONTRACT_CONFIG);
      const lb = await n.b.open('events', 3, CONTRACT_CONFIG);
      const woke = new Promise<number>((resolve) => {
        const off = la.onAppend(() => {
          off();
          resolve(la.endOffset);
        });
      });
      await lb.append(batch('from-b'));
      assert.equal(await woke, 1);
      const r = await la.read(0, 1 << 20);
      assert.deepEqual(
        decodeBatches(r.data).map((x) => x.value?.toString()),
        ['from-b'],
      );
    } finally {
      await n.done();
    }
  });

  it('deduplicates a producer retry that lands on another node', async () => {
    const n = await twoNodes();
    try {
      const la = await n.a.open('payments', 0, CONTRACT_CONFIG);
      const lb = await n.b.open('payments', 0, CONTRACT_CONFIG);
      const pid = { producerId: 9, producerEpoch: 0 };
      const first = await la.append(batch('p0', { ...pid, baseSequence: 0 }));
      const retry = await lb.append(batch('p0', { ...pid, baseSequence: 0 }));
      assert.deepEqual([retry.baseOffset, retry.duplicate], [first.baseOffset, true]);
      const next = await lb.append(batch('p1', { ...pid, baseSequence: 1 }));
      assert.deepEqual([next.baseOffset, next.duplicate], [1, false]);
    } finally {
      await n.done();
    }
  });

  it('groups appends that wait for the same publish into one message', async () => {
    const n = await twoNodes();
    try {
      const la = await n.a.open('grouped', 0, CONTRACT_CONFIG);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => la.append(batch(`g${i}`))));
      assert.deepEqual(
        results.map((r) => r.baseOffset),
        Array.from({ length: 200 }, (_, i) => i),
      );
      const jsm = await n.ncs[0]!.jetstreamManager();
      const info = await jsm.streams.info(partitionStreamName(n.prefix, 'grouped', 0));
      assert.ok(info.state.messages < 200, `${info.state.messages} messages for 200 appends`);
      assert.equal((await readAll(la, 0)).length, 200);
    } finally {
      await n.done();
    }
  });
});

describe('JetStreamLogStore options', () => {
  it('forgets producers idle longer than producerExpirationMs at clean', async () => {
    const { url } = await getServer();
    const nc = await connect({ servers: url });
    const prefix = `e${process.pid}`;
    try {
      const store = new JetStreamLogStore(nc, { prefix, producerExpirationMs: 1 });
      const log = await store.open('idle', 0, CONTRACT_CONFIG);
      const pid = { producerId: 5, producerEpoch: 0 };
      await log.append(batch('a', { ...pid, baseSequence: 0 }));
      const retry = await log.append(batch('a', { ...pid, baseSequence: 0 }));
      assert.deepEqual([retry.baseOffset, retry.duplicate], [0, true], 'known while fresh');
      const appended = Date.now();
      while (Date.now() <= appended + 1) await new Promise((resolve) => setImmediate(resolve));
      await log.clean(Date.now());
      const late = await log.append(batch('a', { ...pid, baseSequence: 0 }));
      assert.deepEqual([late.baseOffset, late.duplicate], [1, false], 'forgotten after expiry');
      await store.close();
      const jsm = await nc.jetstreamManager();
      for await (const name of jsm.streams.names(`${prefix}.log.>`)) await jsm.streams.delete(name);
    } finally {
      await nc.close();
    }
  });
});

describe('JetStreamLogStore and a nats-server crash', () => {
  it('keeps every acknowledged append exactly once, in order, across kill -9 and restart', async () => {
    const own = await startNatsServer();
    const prefix = 'crash';
    try {
      const nc = await connect({ servers: own.url, reconnect: false });
      const store = new JetStreamLogStore(nc, { prefix, timeoutMs: 2000 });
      const log = await store.open('s', 0, CONTRACT_CONFIG);
      const acked: number[] = [];
      const killAt = 100 + Math.floor(Math.random() * 300);
      let i = 0;
      let killed: Promise<void> | undefined;
      const writers = Array.from({ length: 4 }, async () => {
        while (killed === undefined) {
          const n = i++;
          try {
            await log.append(batch(`v${n}`));
            acked.push(n);
            if (acked.length === killAt) killed = own.kill9();
          } catch {
            break;
          }
        }
      });
      await Promise.all(writers);
      await killed;
      await store.close();
      await nc.close().catch(() => {});
      await own.restart();
      const nc2 = await connect({ servers: own.url });
      try {
        const store2 = new JetStreamLogStore(nc2, { prefix });
        const log2 = await store2.open('s', 0, CONTRACT_CONFIG);
        const values = (await readAll(log2, 0)).map((r) => Number(r.value?.toString().slice(1)));
        const seen = new Set(values);
        assert.equal(seen.size, values.length, 'no record twice');
        for (const n of acked) assert.ok(seen.has(n), `acknowledged v${n} is there`);
        for (let k = 1; k < values.length; k++)
          assert.ok(values[k]! > values[k - 1]!, 'stored in call order');
        const next = await log2.append(batch('after'));
        assert.equal(next.baseOffset, values.length);
        await store2.close();
      } finally {
        await nc2.close();
      }
    } finally {
      await own.stop();
    }
  });
});

describe('JetStreamLogStore when NATS cannot be reached', () => {
  it('answers appends and opens with the retriable SY_ERR_STORAGE_UNAVAILABLE', async () => {
    const { url } = await getServer();
    const nc = await connect({ servers: url });
    const prefix = `u${process.pid}x${++prefixes}`;
    const store = new JetStreamLogStore(nc, { prefix, timeoutMs: 2000 });
    const log = await store.open('orders', 0, CONTRACT_CONFIG);
    await log.append(batch('before'));
    await nc.close();
    const unavailable = (err: unknown) =>
      isSwitchyardError(err, 'SY_ERR_STORAGE_UNAVAILABLE') && (err as SwitchyardError).retriable;
    await assert.rejects(log.append(batch('after')), unavailable);
    await assert.rejects(store.open('orders', 1, CONTRACT_CONFIG), unavailable);
    const again = await connect({ servers: url });
    try {
      const jsm2 = await again.jetstreamManager();
      for await (const name of jsm2.streams.names(`${prefix}.log.>`)) await jsm2.streams.delete(name);
    } finally {
      await again.close();
    }
  });
});
