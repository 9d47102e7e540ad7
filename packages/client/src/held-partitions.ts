import type { TopicPartition } from '@switchyard/protocol';
import type { Admin, StartPosition } from './admin.ts';

/** A partition a consumer holds, with its positions. */
export interface HeldPartition extends TopicPartition {
  key: string;
  /** Next offset to fetch; -1 until the start position is known. */
  fetchOffset: number;
  /** Offset after the last processed record (what a commit stores); -1 before any. */
  processed: number;
  /** The offset last committed; -1 when unknown. */
  committed: number;
  /** No longer assigned: to be committed and released. */
  revoked: boolean;
  /** Taken away without a chance to commit (the membership ended). */
  lost: boolean;
  /** Counts seeks, so records fetched before one are not handed out after it. */
  moves: number;
  /** The application was told it is assigned (`onPartitionsAssigned`). */
  announced: boolean;
}

/** `stream/partition`, the map key of a partition. */
export function partitionKey(stream: string, partition: number): string {
  return `${stream}/${partition}`;
}

/**
 * The partitions a consumer holds and where it is in each. Follows the server's assignment: what
 * drops out of it is revoked (and kept until committed and released), what is new is held with an
 * unknown start.
 */
export class HeldPartitions {
  #held = new Map<string, HeldPartition>();

  /** The partition, if held. */
  get(stream: string, partition: number): HeldPartition | undefined {
    return this.#held.get(partitionKey(stream, partition));
  }

  /** Every held partition, revoked ones included. */
  all(): HeldPartition[] {
    return [...this.#held.values()];
  }

  /** Partitions to fetch now: assigned and with a known start. */
  active(): HeldPartition[] {
    return this.all().filter((h) => !h.revoked && h.fetchOffset >= 0);
  }

  /** What the member reports as owned: everything it has not released, revoked or not. */
  owned(): TopicPartition[] {
    return this.all()
      .filter((h) => !h.lost)
      .map(({ stream, partition }) => ({ stream, partition }));
  }

  /** Starts holding a partition (start unknown); false when it was held already. */
  hold(tp: TopicPartition): boolean {
    const key = partitionKey(tp.stream, tp.partition);
    if (this.#held.has(key)) return false;
    const h = {
      stream: tp.stream,
      partition: tp.partition,
      key,
      fetchOffset: -1,
      processed: -1,
      committed: -1,
    };
    this.#held.set(key, { ...h, revoked: false, lost: false, moves: 0, announced: false });
    return true;
  }

  /** Follows a new assignment; true when anything changed. */
  follow(assignment: readonly TopicPartition[]): boolean {
    const target = new Set(assignment.map((tp) => partitionKey(tp.stream, tp.partition)));
    let changed = false;
    for (const h of this.#held.values()) {
      if (!target.has(h.key) && !h.revoked) {
        h.revoked = true;
        changed = true;
      }
    }
    for (const tp of assignment) changed = this.hold(tp) || changed;
    return changed;
  }

  /** The membership ended: everything is revoked and may not be committed. */
  loseAll(): void {
    for (const h of this.#held.values()) {
      h.revoked = true;
      h.lost = true;
    }
  }

  /** Stops holding these partitions. */
  release(list: readonly HeldPartition[]): void {
    for (const h of list) this.#held.delete(h.key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#held.clear();
  }

  /** Finds where partitions with an unknown start begin: the group's committed offset, else `from`. */
  async resolveStart(admin: Admin, group: string | undefined, from: StartPosition): Promise<void> {
    if (group !== undefined) {
      for (const c of await admin.groupOffsets(group)) {
        const h = this.get(c.stream, c.partition);
        if (h !== undefined && h.fetchOffset < 0) {
          h.fetchOffset = c.offset;
          h.committed = c.offset;
        }
      }
    }
    const streams = new Set(
      this.all()
        .filter((h) => h.fetchOffset < 0)
        .map((h) => h.stream),
    );
    for (const stream of streams) {
      for (const o of await admin.offsets(stream, from)) {
        const h = this.get(stream, o.partition);
        if (h !== undefined && h.fetchOffset < 0) h.fetchOffset = o.offset;
      }
    }
  }
}
