import type { KvEntry, KvStore } from '../../storage/kv-store.ts';
import { MemoryKvStore } from '../../storage/memory/memory-kv-store.ts';
import type { GroupCoordinatorConfig } from './group-config.ts';
import { GroupCoordinator } from './group-coordinator.ts';
import type { GroupObserver, RebalanceReason } from './group-coordinator-options.ts';
import { ManualTimer } from './timer.ts';

/** A KvStore that runs `interfere` (a competing writer) just before the next `update` reaches the store. */
export class InterferingKvStore implements KvStore {
  readonly inner: KvStore;
  interfere: ((kv: KvStore) => Promise<void>) | undefined;
  updates = 0;

  constructor(inner: KvStore = new MemoryKvStore()) {
    this.inner = inner;
  }

  get(key: string): Promise<KvEntry | undefined> {
    return this.inner.get(key);
  }
  put(key: string, value: Buffer): Promise<number> {
    return this.inner.put(key, value);
  }
  create(key: string, value: Buffer): Promise<number> {
    return this.inner.create(key, value);
  }
  async update(key: string, value: Buffer, revision: number): Promise<number> {
    this.updates++;
    const interfere = this.interfere;
    this.interfere = undefined;
    if (interfere !== undefined) await interfere(this.inner);
    return this.inner.update(key, value, revision);
  }
  delete(key: string, revision?: number): Promise<void> {
    return this.inner.delete(key, revision);
  }
  list(prefix: string): Promise<KvEntry[]> {
    return this.inner.list(prefix);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A coordinator over an in-memory store with a manual clock and predictable member ids. */
export interface Harness {
  coordinator: GroupCoordinator;
  kv: InterferingKvStore;
  timer: ManualTimer;
  /** Partition count per stream; change it, then call `onPartitionsChanged`. */
  partitions: Map<string, number>;
  rebalances: { group: string; generation: number; reason: RebalanceReason }[];
  /** A second coordinator over the same store and clock, as after a restart or on another node. */
  restart(): GroupCoordinator;
}

/** Builds a harness; streams default to `orders` (6 partitions) and `audit` (2). */
export function harness(
  options: {
    partitions?: Record<string, number>;
    config?: Partial<GroupCoordinatorConfig>;
    kv?: InterferingKvStore;
  } = {},
): Harness {
  const kv = options.kv ?? new InterferingKvStore();
  const timer = new ManualTimer();
  const partitions = new Map(Object.entries(options.partitions ?? { orders: 6, audit: 2 }));
  const rebalances: Harness['rebalances'] = [];
  const observer: GroupObserver = {
    onRebalance: (group, generation, reason) => rebalances.push({ group, generation, reason }),
  };
  let ids = 0;
  const make = () =>
    new GroupCoordinator({
      kv,
      timer,
      observer,
      partitionsOf: (stream) => partitions.get(stream),
      newMemberId: (clientId) => `${clientId || 'member'}-${++ids}`,
      config: { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, ...options.config },
    });
  return { coordinator: make(), kv, timer, partitions, rebalances, restart: make };
}

/** Partitions as `stream/partition` strings, for compact assertions. */
export function keys(list: readonly { stream: string; partition: number }[]): string[] {
  return list.map((tp) => `${tp.stream}/${tp.partition}`);
}
