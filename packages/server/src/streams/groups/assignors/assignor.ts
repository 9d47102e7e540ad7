import { compareStrings, type StreamPartition } from '../stream-partition.ts';

/** A group member as an assignor sees it: its id and the streams it subscribes to. */
export interface AssignorMember {
  readonly memberId: string;
  readonly streams: readonly string[];
}

/** Everything an assignor decides from; assignors are pure functions of it. */
export interface AssignorInput {
  readonly members: readonly AssignorMember[];
  /** Partition count per stream; a stream that is missing has no partitions. */
  readonly partitions: ReadonlyMap<string, number>;
  /** The previous target assignment by member id; only sticky strategies read it. */
  readonly previous?: ReadonlyMap<string, readonly StreamPartition[]>;
}

/** Member id → the partitions it should own, sorted; every member of the input has an entry. */
export type Assignment = Map<string, StreamPartition[]>;

/** Computes a target assignment: every partition of a subscribed stream goes to exactly one subscriber. */
export type Assignor = (input: AssignorInput) => Assignment;

/** Member ids in code-unit order, the order every strategy deals in. */
export function sortedMemberIds(members: readonly AssignorMember[]): string[] {
  return members.map((m) => m.memberId).sort(compareStrings);
}

/** An assignment with an empty list for every member. */
export function emptyAssignment(members: readonly AssignorMember[]): Assignment {
  return new Map(sortedMemberIds(members).map((id) => [id, []]));
}

/** Streams that at least one member subscribes to, sorted. */
export function subscribedStreams(members: readonly AssignorMember[]): string[] {
  return [...new Set(members.flatMap((m) => m.streams))].sort(compareStrings);
}

/** Sorted ids of the members that subscribe to `stream`. */
export function subscribersOf(members: readonly AssignorMember[], stream: string): string[] {
  return sortedMemberIds(members.filter((m) => m.streams.includes(stream)));
}
