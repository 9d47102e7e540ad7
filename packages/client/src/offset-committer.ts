import { PATHS } from '@switchyard/protocol';
import { type GroupMember, isGroupError } from './group-member.ts';
import type { HeldPartition } from './held-partitions.ts';
import type { HttpClient } from './http-client.ts';

/** How a group consumer commits. */
export interface OffsetCommitterOptions {
  group: string;
  /** Commit every `autoCommitIntervalMs` (and on revocation and close); default true. */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
}

/**
 * Commits the processed offsets of held partitions for a group member: on request, and every
 * `autoCommitIntervalMs` when auto-commit is on. Partitions that were lost are never committed.
 */
export class OffsetCommitter {
  readonly #http: HttpClient;
  readonly #member: GroupMember;
  readonly #o: OffsetCommitterOptions;
  #lastCommitAt = Date.now();

  constructor(http: HttpClient, member: GroupMember, options: OffsetCommitterOptions) {
    this.#http = http;
    this.#member = member;
    this.#o = options;
  }

  /** True unless auto-commit was turned off. */
  get auto(): boolean {
    return this.#o.autoCommit !== false;
  }

  /** Commits what was processed in `list` and not committed yet. */
  async commit(list: readonly HeldPartition[]): Promise<void> {
    const member = this.#member;
    const due = list.filter((h) => !h.lost && h.processed >= 0 && h.processed !== h.committed);
    if (member.memberId === undefined || due.length === 0) return;
    await this.#http.request({
      method: 'POST',
      path: PATHS.groupOffsets(this.#o.group),
      json: {
        memberId: member.memberId,
        generation: member.generation,
        offsets: due.map((h) => ({ stream: h.stream, partition: h.partition, offset: h.processed })),
      },
      idempotent: true,
      retryIf: (e) => !isGroupError(e),
    });
    for (const h of due) h.committed = h.processed;
  }

  /** Commits when auto-commit is on and the interval has passed; a failure waits for the next interval. */
  async tick(list: readonly HeldPartition[]): Promise<void> {
    const interval = this.#o.autoCommitIntervalMs ?? 5000;
    if (!this.auto || Date.now() - this.#lastCommitAt < interval) return;
    this.#lastCommitAt = Date.now();
    // A group error means the partition moved on; anything else is retried at the next interval.
    await this.commit(list).catch(() => {});
  }
}
