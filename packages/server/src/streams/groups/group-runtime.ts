import type { GroupObserver, PartitionsOf, RebalanceReason } from './group-coordinator-options.ts';
import { type GroupDocument, withGeneration } from './group-document.ts';
import { GroupMembership } from './group-membership.ts';
import type { GroupStore, StoredGroup } from './group-store.ts';

/** What every group runtime of one coordinator shares. */
export interface RuntimeContext {
  readonly store: GroupStore;
  readonly partitionsOf: PartitionsOf;
  now(): number;
  notify(call: (observer: GroupObserver) => void): void;
}

/** Thrown when the stored generation passed ours while we have members: another coordinator took over. */
export class TakenOver extends Error {
  readonly ours: number;
  readonly stored: number;
  constructor(ours: number, stored: number) {
    super(`group generation ${stored} was written elsewhere (ours ${ours})`);
    this.ours = ours;
    this.stored = stored;
  }
}

/**
 * One group loaded in a coordinator: its live membership and its stored document. Every membership
 * change goes through `bump`, which persists the next generation before anything changes in memory,
 * so a failed write leaves the group as it was. Callers run one operation per group at a time.
 */
export class GroupRuntime {
  readonly group: string;
  readonly membership: GroupMembership;
  stored: StoredGroup;
  cancelTimer: (() => void) | undefined;
  readonly #ctx: RuntimeContext;

  constructor(group: string, stored: StoredGroup, ctx: RuntimeContext) {
    this.group = group;
    this.membership = new GroupMembership(stored.doc.generation);
    this.stored = stored;
    this.#ctx = ctx;
  }

  /** Writes `change(doc)` with compare-and-set (retried on conflict); throws `TakenOver` as described. */
  async write(change: (doc: GroupDocument) => GroupDocument): Promise<GroupDocument> {
    const m = this.membership;
    this.stored = await this.#ctx.store.write(this.group, this.stored, (doc) => {
      if (doc.generation > m.generation && m.size > 0) throw new TakenOver(m.generation, doc.generation);
      return change(doc);
    });
    return this.stored.doc;
  }

  /** Persists generation + 1, then applies `change` (which returns the partition counts to use) and retargets. */
  async bump(reason: RebalanceReason, change: () => ReadonlyMap<string, number>): Promise<void> {
    const m = this.membership;
    const doc = await this.write((d) => withGeneration(d, Math.max(d.generation, m.generation) + 1));
    m.generation = doc.generation;
    m.retarget(change());
    this.#ctx.notify((o) => o.onRebalance?.(this.group, m.generation, reason));
  }

  /** Removes members in one rebalance; their partitions become free. */
  async removeMembers(memberIds: readonly string[], reason: 'leave' | 'expiry'): Promise<void> {
    const m = this.membership;
    const remaining = m.members().filter((x) => !memberIds.includes(x.memberId));
    const counts = await this.counts(remaining.flatMap((x) => x.streams));
    await this.bump(reason, () => {
      for (const id of memberIds) m.remove(id);
      return counts;
    });
    const why = reason === 'leave' ? 'left' : 'expired';
    for (const id of memberIds) this.#ctx.notify((o) => o.onMemberRemoved?.(this.group, id, why));
  }

  /** Removes members whose session ran out and takes back revoked partitions held past the rebalance timeout. */
  async expire(): Promise<void> {
    const now = this.#ctx.now();
    for (const id of this.membership.revokeOverdue(now)) {
      this.#ctx.notify((o) => o.onRevocationTimeout?.(this.group, id));
    }
    const expired = this.membership.expired(now);
    if (expired.length > 0) await this.removeMembers(expired, 'expiry');
  }

  /** Rebalances when a subscribed stream's partition count differs from the one the target was built on. */
  async refreshPartitions(): Promise<void> {
    const m = this.membership;
    const streams = m.streams();
    if (streams.length === 0) return;
    const counts = await this.counts(streams);
    if (streams.every((s) => (counts.get(s) ?? 0) === (m.partitionCounts.get(s) ?? 0))) return;
    await this.bump('partitions', () => counts);
  }

  /** Partition counts of those of `streams` that exist. */
  async counts(streams: Iterable<string>): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const stream of new Set(streams)) {
      const count = await this.#ctx.partitionsOf(stream);
      if (count !== undefined) counts.set(stream, count);
    }
    return counts;
  }
}
