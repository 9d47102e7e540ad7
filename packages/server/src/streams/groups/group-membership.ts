import { ASSIGNORS } from './assignors/index.ts';
import {
  type AssignmentStrategy,
  compareStrings,
  partitionKey,
  partitionsFromKeys,
  type StreamPartition,
} from './stream-partition.ts';

/** A member as the coordinator holds it in memory. */
export interface Member {
  readonly memberId: string;
  clientId: string;
  /** Subscribed streams, sorted. */
  streams: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  lastHeartbeatAt: number;
  /** Partitions the member may hold: granted to it and not yet reported released. */
  readonly owned: Set<string>;
  /** Partitions the strategy wants it to hold. */
  target: Set<string>;
  /** Partitions it was told to give up (held, outside its target) → when it was told. */
  readonly toldToRevoke: Map<string, number>;
}

/** Group state: `Empty` (no members), `Stable` (every member holds exactly its target), or `Reconciling`. */
export type GroupState = 'Empty' | 'Stable' | 'Reconciling';

/**
 * The live members of one group with their target and owned partitions. Pure and synchronous; the
 * coordinator persists the generation before it changes anything here. The invariant it keeps: a
 * partition is in the `owned` set of at most one member, so it is never handed to two at once.
 */
export class GroupMembership {
  generation: number;
  strategy: AssignmentStrategy | undefined;
  /** Partition counts the current target was computed from. */
  partitionCounts: ReadonlyMap<string, number> = new Map();
  readonly #members = new Map<string, Member>();
  /** Partition key → the member whose `owned` holds it. */
  readonly #holder = new Map<string, string>();
  /** Partition key → the generation at which its holder was granted it (the holder's epoch for it). */
  readonly #grantedAt = new Map<string, number>();

  constructor(generation: number) {
    this.generation = generation;
  }

  /** The member with this id, if live. */
  get(memberId: string): Member | undefined {
    return this.#members.get(memberId);
  }

  /** Live members sorted by id. */
  members(): Member[] {
    return [...this.#members.values()].sort((a, b) => compareStrings(a.memberId, b.memberId));
  }

  /** Number of live members. */
  get size(): number {
    return this.#members.size;
  }

  /** Streams any member subscribes to, sorted. */
  streams(): string[] {
    return [...new Set(this.members().flatMap((m) => m.streams))].sort(compareStrings);
  }

  /** The member holding a partition, if any. */
  holderOf(stream: string, partition: number): string | undefined {
    return this.#holder.get(partitionKey(stream, partition));
  }

  /** The generation at which the partition's current holder was granted it, if it is held. */
  grantedAt(stream: string, partition: number): number | undefined {
    return this.#grantedAt.get(partitionKey(stream, partition));
  }

  /** Adds a member with nothing owned and no target (call `retarget` next). */
  add(member: Omit<Member, 'owned' | 'target' | 'toldToRevoke'>): Member {
    const added: Member = { ...member, owned: new Set(), target: new Set(), toldToRevoke: new Map() };
    this.#members.set(member.memberId, added);
    return added;
  }

  /** Removes a member; what it held becomes free. */
  remove(memberId: string): void {
    const member = this.#members.get(memberId);
    if (member === undefined) return;
    for (const key of member.owned) {
      this.#holder.delete(key);
      this.#grantedAt.delete(key);
    }
    this.#members.delete(memberId);
    if (this.#members.size === 0) this.strategy = undefined;
  }

  /** Recomputes every member's target with the group's strategy, starting from the previous targets. */
  retarget(counts: ReadonlyMap<string, number>): void {
    this.partitionCounts = counts;
    const members = this.members();
    if (members.length === 0 || this.strategy === undefined) return;
    const assignment = ASSIGNORS[this.strategy]({
      members: members.map((m) => ({ memberId: m.memberId, streams: m.streams })),
      partitions: counts,
      previous: new Map(members.map((m) => [m.memberId, partitionsFromKeys(m.target)])),
    });
    for (const m of members) {
      m.target = new Set(
        (assignment.get(m.memberId) ?? []).map((tp) => partitionKey(tp.stream, tp.partition)),
      );
      this.#forgetSettled(m);
    }
  }

  /** Applies a member's report of what it holds. It can only release: it never gains a partition by claiming it. */
  release(memberId: string, reported: ReadonlySet<string>): void {
    const member = this.#members.get(memberId);
    if (member === undefined) return;
    for (const key of member.owned) if (!reported.has(key)) this.#drop(member, key);
  }

  /**
   * Grants the member each target partition that no member holds, and returns what it may hold now:
   * its owned partitions that are still in its target. The answer tells it to give up the rest, and
   * its rebalance timeout for each starts now. A partition moving from A to B reaches B only once A
   * has released it (report, leave, expiry, or revocation timeout).
   */
  reconcile(memberId: string, now: number): StreamPartition[] {
    const member = this.#members.get(memberId);
    if (member === undefined) return [];
    for (const key of member.target) {
      if (member.owned.has(key) || this.#holder.has(key)) continue;
      member.owned.add(key);
      this.#holder.set(key, memberId);
      this.#grantedAt.set(key, this.generation);
    }
    for (const key of member.owned) {
      if (!member.target.has(key) && !member.toldToRevoke.has(key)) member.toldToRevoke.set(key, now);
    }
    return partitionsFromKeys([...member.owned].filter((key) => member.target.has(key)));
  }

  /** Members whose session ran out. */
  expired(now: number): string[] {
    return this.members()
      .filter((m) => now >= m.lastHeartbeatAt + m.sessionTimeoutMs)
      .map((m) => m.memberId);
  }

  /**
   * Takes back partitions a member was told to revoke more than its rebalance timeout ago: a member
   * must stop consuming a revoked partition within that time even if it never reports it.
   * Returns the ids of the members that lost partitions.
   */
  revokeOverdue(now: number): string[] {
    const overdue: string[] = [];
    for (const m of this.members()) {
      const late = [...m.toldToRevoke].filter(([, told]) => now >= told + m.rebalanceTimeoutMs);
      for (const [key] of late) this.#drop(m, key);
      if (late.length > 0) overdue.push(m.memberId);
    }
    return overdue;
  }

  /** The next time something about this member falls due: its session end or a revocation deadline. */
  deadlineOf(member: Member): number {
    let deadline = member.lastHeartbeatAt + member.sessionTimeoutMs;
    for (const told of member.toldToRevoke.values())
      deadline = Math.min(deadline, told + member.rebalanceTimeoutMs);
    return deadline;
  }

  /** `Empty`, `Stable` when every member holds exactly its target, else `Reconciling`. */
  state(): GroupState {
    if (this.#members.size === 0) return 'Empty';
    for (const m of this.#members.values()) {
      if (m.owned.size !== m.target.size || [...m.target].some((key) => !m.owned.has(key)))
        return 'Reconciling';
    }
    return 'Stable';
  }

  /** Partitions a member holds outside its target (it must commit and drop them). */
  revoking(member: Member): StreamPartition[] {
    return partitionsFromKeys([...member.owned].filter((key) => !member.target.has(key)));
  }

  #drop(member: Member, key: string): void {
    member.owned.delete(key);
    member.toldToRevoke.delete(key);
    this.#holder.delete(key);
    this.#grantedAt.delete(key);
  }

  /** A partition back in the target is no longer being revoked. */
  #forgetSettled(member: Member): void {
    for (const key of member.toldToRevoke.keys()) if (member.target.has(key)) member.toldToRevoke.delete(key);
  }
}
