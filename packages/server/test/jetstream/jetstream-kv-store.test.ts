import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { connect, type NatsConnection } from 'nats';
import { runKvStoreContract } from '../../src/storage/contract/kv-contract.ts';
import { JetStreamKvStore } from '../../src/storage/jetstream/jetstream-kv-store.ts';
import { decodeKvKey, encodeKvKey, prefixFilter } from '../../src/storage/jetstream/kv-key-codec.ts';
import { sharedNatsServer, startNatsServer } from '../helpers/nats-server.ts';

const getServer = sharedNatsServer();

let buckets = 0;

runKvStoreContract('JetStreamKvStore', async () => {
  const { url } = await getServer();
  const bucket = `contract_${process.pid}_${++buckets}`;
  const connections: NatsConnection[] = [];
  const open = async (): Promise<JetStreamKvStore> => {
    const nc = await connect({ servers: url });
    connections.push(nc);
    return JetStreamKvStore.open(nc, { bucket });
  };
  return {
    store: await open(),
    reopen: open,
    cleanup: async () => {
      const jsm = await connections[0]!.jetstreamManager();
      await jsm.streams.delete(`KV_${bucket}`);
      for (const nc of connections) await nc.close();
    },
  };
});

describe('JetStreamKvStore specifics', () => {
  it('maps keys to the JetStream KV charset and back, one to one', () => {
    for (const key of ['a', 'streams/orders', 'a.b/c-d_e', 'x/y.z/..', 'A9/_/-']) {
      const enc = encodeKvKey(key);
      assert.match(enc, /^[A-Za-z0-9_\-./=]+$/);
      assert.ok(!enc.startsWith('.') && !enc.endsWith('.') && !enc.includes('..'), enc);
      assert.equal(decodeKvKey(enc), key);
    }
    assert.notEqual(encodeKvKey('a.b'), encodeKvKey('a/b'));
    assert.equal(prefixFilter('offsets/g1/'), 'offsets.g1.>');
    assert.equal(prefixFilter('offsets/g'), 'offsets.>');
    assert.equal(prefixFilter('off'), '>');
  });

  it('keeps CAS across two connections (two Switchyard nodes): exactly one update wins', async () => {
    const { url } = await getServer();
    const bucket = `nodes_${process.pid}`;
    const nc1 = await connect({ servers: url });
    const nc2 = await connect({ servers: url });
    try {
      const a = await JetStreamKvStore.open(nc1, { bucket });
      const b = await JetStreamKvStore.open(nc2, { bucket });
      const r0 = await a.create('groups/g/generation', Buffer.from('1'));
      const results = await Promise.allSettled([
        a.update('groups/g/generation', Buffer.from('2a'), r0),
        b.update('groups/g/generation', Buffer.from('2b'), r0),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const lost = results.find((r) => r.status === 'rejected');
      assert.ok(lost && isSwitchyardError(lost.reason, 'SY_ERR_STORAGE_CONFLICT'));
      assert.deepEqual(
        (await b.get('groups/g/generation'))?.value,
        (await a.get('groups/g/generation'))?.value,
      );
      await (await nc1.jetstreamManager()).streams.delete(`KV_${bucket}`);
    } finally {
      await nc1.close();
      await nc2.close();
    }
  });

  it('keeps acknowledged writes across a nats-server kill -9 and restart', async () => {
    const own = await startNatsServer();
    const nc = await connect({ servers: own.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    try {
      const s = await JetStreamKvStore.open(nc, { bucket: 'durable' });
      const revs = new Map<string, number>();
      for (let i = 0; i < 50; i++) revs.set(`k/${i % 7}`, await s.put(`k/${i % 7}`, Buffer.from(String(i))));
      // Requests sent while the client is still reconnecting time out, so wait for the reconnect.
      const reconnected = (async () => {
        for await (const status of nc.status()) if (status.type === 'reconnect') return;
      })();
      await own.kill9();
      await own.restart();
      await reconnected;
      for (const [key, rev] of revs) assert.equal((await s.get(key))?.revision, rev);
      const next = await s.update('k/0', Buffer.from('after'), revs.get('k/0')!);
      assert.ok(next > Math.max(...revs.values()));
    } finally {
      await nc.close();
      await own.stop();
    }
  });

  it('rejects a bucket name JetStream cannot hold', async () => {
    const { url } = await getServer();
    const nc = await connect({ servers: url });
    try {
      await assert.rejects(JetStreamKvStore.open(nc, { bucket: 'bad.name' }), (e) =>
        isSwitchyardError(e, 'SY_ERR_CONFIG_INVALID'),
      );
    } finally {
      await nc.close();
    }
  });
});
