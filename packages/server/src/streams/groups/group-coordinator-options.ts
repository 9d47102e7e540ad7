import { randomUUID } from 'node:crypto';
import type { KvStore } from '../../storage/kv-store.ts';
import type { GroupCoordinatorConfig } from './group-config.ts';
import type { GroupState } from './group-membership.ts';
import type { Timer } from './timer.ts';

/** Current partition count of a stream; undefined when the stream does not exist. */
export type PartitionsOf = (stream: string) => number | undefined | Promise<number | undefined>;

/** Why a group's generation moved. */
export type RebalanceReason = 'join' | 'subscription' | 'leave' | 'expiry' | 'partitions';

/** Hooks for metrics; the coordinator never lets an observer's exception reach a caller. */
export interface GroupObserver {
  onRebalance?(group: string, generation: number, reason: RebalanceReason): void;
  onMemberRemoved?(group: string, memberId: string, reason: 'left' | 'expired'): void;
  /** A member kept partitions it was told to revoke past its rebalance timeout; they were taken back. */
  onRevocationTimeout?(group: string, memberId: string): void;
  onCommit?(group: string, offsets: number): void;
  onWriteConflict?(group: string): void;
}

/** What the coordinator needs from the rest of the server. */
export interface GroupCoordinatorOptions {
  kv: KvStore;
  partitionsOf: PartitionsOf;
  /** Default: the system clock. */
  timer?: Timer;
  observer?: GroupObserver;
  /** Makes an id for a member that joins without one; default `<clientId>-<uuid>`. */
  newMemberId?: (clientId: string) => string;
  config?: Partial<GroupCoordinatorConfig>;
}

/** One line of `list`. */
export interface GroupSummary {
  group: string;
  state: GroupState;
  generation: number;
  members: number;
  strategy: string | null;
  /** Sum of the known partition lags; only when `list` was given log offsets. */
  totalLag?: number;
}

/** A member id like Kafka's: the client id made name-safe, then a random UUID. */
export function defaultMemberId(clientId: string): string {
  const prefix = clientId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200) || 'member';
  return `${prefix}-${randomUUID()}`;
}
