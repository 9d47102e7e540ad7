import { connect, type NatsConnection } from 'nats';
import { runLogStoreContract } from '../../src/storage/contract/log-contract.ts';
import { JetStreamLogStore } from '../../src/storage/jetstream/jetstream-log-store.ts';
import { sharedNatsServer } from '../helpers/nats-server.ts';

const getServer = sharedNatsServer();

let prefixes = 0;

runLogStoreContract('JetStreamLogStore', async () => {
  const { url } = await getServer();
  const prefix = `t${process.pid}x${++prefixes}`;
  const connections: NatsConnection[] = [];
  const open = async (): Promise<JetStreamLogStore> => {
    const nc = await connect({ servers: url });
    connections.push(nc);
    return new JetStreamLogStore(nc, { prefix });
  };
  return {
    store: await open(),
    reopen: open,
    cleanup: async () => {
      const jsm = await connections[0]!.jetstreamManager();
      for await (const name of jsm.streams.names(`${prefix}.log.>`)) await jsm.streams.delete(name);
      for (const nc of connections) await nc.close();
    },
  };
});
