import type { GroupDocument } from './group-document.ts';
import type { GroupMembership, GroupState } from './group-membership.ts';
import {
  type AssignmentStrategy,
  comparePartitions,
  partitionKey,
  partitionsFromKeys,
  type StreamPartition,
} from './stream-partition.ts';

/** First and next offset of a partition's log (`end` is the log end offset, the next to be written). */
export interface LogOffsets {
  start: number;
  end: number;
}

/** Reads a partition's log offsets; undefined when the partition no longer exists. */
export type LogOffsetsOf = (
  stream: string,
  partition: number,
) => LogOffsets | undefined | Promise<LogOffsets | undefined>;

/** A live member in a group description. */
export interface MemberDescription {
  memberId: string;
  clientId: string;
  streams: string[];
  /** What it may consume now: held and still in its target. */
  assignment: StreamPartition[];
  /** Held but no longer in its target: it should commit and release these. */
  revoking: StreamPartition[];
  /** In its target but still held by another member that has not released them. */
  pending: StreamPartition[];
  lastHeartbeatAt: number;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
}

/** One partition of a group: who holds it, what is committed, and the lag. */
export interface PartitionDescription {
  stream: string;
  partition: number;
  owner: string | null;
  committedOffset: number | null;
  metadata: string | null;
  committedAt: number | null;
  startOffset: number | null;
  endOffset: number | null;
  /** `end − committed` (never below 0); with nothing committed `end − start`; null when the log is unknown. */
  lag: number | null;
}

/** Everything `describe` reports about a group. */
export interface GroupDescription {
  group: string;
  state: GroupState;
  strategy: AssignmentStrategy | null;
  generation: number;
  members: MemberDescription[];
  partitions: PartitionDescription[];
  /** Sum of the known lags. */
  totalLag: number;
}

/** Builds a group's description from its live membership, its stored document and the log offsets. */
export async function describeGroup(
  group: string,
  membership: GroupMembership,
  doc: GroupDocument,
  logOffsetsOf: LogOffsetsOf,
): Promise<GroupDescription> {
  const members = membership.members().map(
    (m): MemberDescription => ({
      memberId: m.memberId,
      clientId: m.clientId,
      streams: [...m.streams],
      assignment: partitionsFromKeys([...m.owned].filter((key) => m.target.has(key))),
      revoking: membership.revoking(m),
      pending: partitionsFromKeys([...m.target].filter((key) => !m.owned.has(key))),
      lastHeartbeatAt: m.lastHeartbeatAt,
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    }),
  );

  const committed = new Map(doc.offsets.map((o) => [partitionKey(o.stream, o.partition), o]));
  const keys = new Set(committed.keys());
  for (const stream of membership.streams()) {
    const count = membership.partitionCounts.get(stream) ?? 0;
    for (let p = 0; p < count; p++) keys.add(partitionKey(stream, p));
  }
  const partitions: PartitionDescription[] = [];
  for (const { stream, partition } of partitionsFromKeys(keys).sort(comparePartitions)) {
    const c = committed.get(partitionKey(stream, partition));
    const log = await logOffsetsOf(stream, partition);
    const lag = log === undefined ? null : Math.max(0, log.end - (c === undefined ? log.start : c.offset));
    partitions.push({
      stream,
      partition,
      owner: membership.holderOf(stream, partition) ?? null,
      committedOffset: c?.offset ?? null,
      metadata: c?.metadata ?? null,
      committedAt: c?.committedAt ?? null,
      startOffset: log?.start ?? null,
      endOffset: log?.end ?? null,
      lag,
    });
  }

  return {
    group,
    state: membership.state(),
    strategy: membership.strategy ?? null,
    generation: membership.generation,
    members,
    partitions,
    totalLag: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
  };
}
