import { syError } from '@switchyard/protocol';
import { assertGroupEmpty, assertMemberMayCommit, toCommittedOffsets } from './commit-fencing.ts';
import { type GroupCoordinatorConfig, resolveGroupCoordinatorConfig } from './group-config.ts';
import {
  defaultMemberId,
  type GroupCoordinatorOptions,
  type GroupObserver,
  type GroupSummary,
  type PartitionsOf,
} from './group-coordinator-options.ts';
import { describeGroup, type GroupDescription, type LogOffsetsOf } from './group-description.ts';
import { type CommittedOffset, emptyGroupDocument, withOffsets, withoutStream } from './group-document.ts';
import { GroupMembership } from './group-membership.ts';
import {
  assertName,
  type CommitRequest,
  type JoinRequest,
  type MemberAssignment,
  validateJoin,
  validateOffsets,
  validateOwned,
} from './group-requests.ts';
import { GroupRuntime, type RuntimeContext, TakenOver } from './group-runtime.ts';
import { GroupStore } from './group-store.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { compareStrings, type StreamPartition } from './stream-partition.ts';
import { systemTimer, type Timer } from './timer.ts';

/**
 * The consumer-group coordinator: server-side, cooperative assignment (in the spirit of Kafka's
 * KIP-848). Membership lives in memory; the generation and committed offsets live in one KV document
 * per group, written with compare-and-set. Operations on one group run one at a time.
 */
export class GroupCoordinator {
  readonly #store: GroupStore;
  readonly #partitionsOf: PartitionsOf;
  readonly #timer: Timer;
  readonly #observer: GroupObserver;
  readonly #newMemberId: (clientId: string) => string;
  readonly #config: GroupCoordinatorConfig;
  readonly #groups = new Map<string, GroupRuntime>();
  readonly #queue = new KeyedQueue();
  readonly #context: RuntimeContext;
  #closed = false;

  constructor(options: GroupCoordinatorOptions) {
    this.#partitionsOf = options.partitionsOf;
    this.#timer = options.timer ?? systemTimer;
    this.#observer = options.observer ?? {};
    this.#newMemberId = options.newMemberId ?? defaultMemberId;
    this.#config = resolveGroupCoordinatorConfig(options.config);
    const store = new GroupStore(options.kv, this.#config.maxWriteAttempts, (group) =>
      this.#notify((o) => o.onWriteConflict?.(group)),
    );
    this.#store = store;
    this.#context = {
      store,
      partitionsOf: options.partitionsOf,
      now: () => this.#timer.now(),
      notify: (call) => this.#notify(call),
    };
  }

  /** Joins (or idempotently rejoins) a member and returns what it may consume now. */
  async join(group: string, request: JoinRequest): Promise<MemberAssignment> {
    assertName(group);
    const req = validateJoin(request, this.#config);
    return this.#withGroup(group, async (rt) => {
      const m = rt.membership;
      const existing = req.memberId === undefined ? undefined : m.get(req.memberId);
      const others = m.size - (existing === undefined ? 0 : 1);
      const strategy =
        others > 0 ? m.strategy! : (req.strategy ?? m.strategy ?? this.#config.defaultStrategy);
      if (req.strategy !== undefined && req.strategy !== strategy) {
        throw syError('SY_ERR_GROUP_STRATEGY_MISMATCH', { group, current: strategy, strategy: req.strategy });
      }
      const memberId = existing?.memberId ?? req.memberId ?? this.#newMemberId(req.clientId);
      const now = this.#timer.now();
      const changed =
        existing === undefined ||
        strategy !== m.strategy ||
        existing.streams.join('\n') !== req.streams.join('\n');
      if (changed) {
        const streams = new Set([...m.streams(), ...req.streams]);
        const counts = await rt.counts(streams);
        const missing = req.streams.find((s) => !counts.has(s));
        if (missing !== undefined) throw syError('SY_ERR_STREAM_NOT_FOUND', { stream: missing });
        await rt.bump(existing === undefined ? 'join' : 'subscription', () => {
          const { clientId, streams, sessionTimeoutMs, rebalanceTimeoutMs } = req;
          const added = {
            memberId,
            clientId,
            streams,
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            lastHeartbeatAt: now,
          };
          const member = existing ?? m.add(added);
          member.streams = streams;
          m.strategy = strategy;
          return counts;
        });
      }
      const member = m.get(memberId)!;
      Object.assign(member, {
        clientId: req.clientId,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        lastHeartbeatAt: now,
      });
      return this.#answer(rt, memberId, now);
    });
  }

  /**
   * Keeps a member alive and returns its current assignment. `owned` lists the partitions the member
   * still holds; anything it held and left out counts as released, which lets the coordinator hand
   * it on. Without `owned` nothing is released. A stale generation is fine here: the answer carries
   * the current one.
   */
  async heartbeat(
    group: string,
    memberId: string,
    generation: number,
    owned?: readonly StreamPartition[],
  ): Promise<MemberAssignment> {
    assertName(group);
    if (!Number.isSafeInteger(generation) || generation < 0) {
      throw syError('SY_ERR_REQUEST_INVALID', { reason: 'generation must be a non-negative integer' });
    }
    const reported = owned === undefined ? undefined : validateOwned(owned);
    return this.#withGroup(group, async (rt) => {
      const m = rt.membership;
      const member = m.get(memberId);
      if (member === undefined) throw syError('SY_ERR_GROUP_MEMBER_UNKNOWN', { group, member: memberId });
      if (generation > m.generation) {
        throw syError('SY_ERR_GROUP_GENERATION_STALE', { group, generation, current: m.generation });
      }
      const now = this.#timer.now();
      member.lastHeartbeatAt = now;
      if (reported !== undefined) m.release(memberId, reported);
      await rt.refreshPartitions();
      return this.#answer(rt, memberId, now);
    });
  }

  /** Removes a member at once (its partitions become free); false when it was not a member. */
  async leave(group: string, memberId: string): Promise<boolean> {
    assertName(group);
    return this.#withGroup(group, async (rt) => {
      if (rt.membership.get(memberId) === undefined) return false;
      await rt.removeMembers([memberId], 'leave');
      return true;
    });
  }

  /**
   * Commits offsets atomically (one compare-and-set write, retried on conflict). With memberId and
   * generation the commit is fenced: the member must be live and hold every partition (a partition
   * being revoked still counts until released), at a generation from the one it was granted each
   * partition at to the current one (`assertMemberMayCommit`). Without them it is a
   * standalone commit, allowed only while the group has no live members.
   */
  async commit(group: string, request: CommitRequest): Promise<void> {
    assertName(group);
    validateOffsets(request.offsets, this.#config);
    const { memberId, generation } = request;
    if ((memberId === undefined) !== (generation === undefined)) {
      throw syError('SY_ERR_REQUEST_INVALID', { reason: 'memberId and generation must be given together' });
    }
    await this.#withGroup(group, async (rt) => {
      if (memberId !== undefined) {
        assertMemberMayCommit(rt.membership, group, memberId, generation!, request.offsets);
      } else {
        assertGroupEmpty(rt.membership, group, 'a commit without memberId');
      }
      // Also for members: one still holding a partition of a just deleted stream must not commit it.
      await this.#assertPartitionsExist(request.offsets);
      const entries = toCommittedOffsets(request.offsets, this.#timer.now());
      await rt.write((doc) => withOffsets(doc, entries));
      this.#notify((o) => o.onCommit?.(group, entries.length));
    });
  }

  /** The group's committed offsets as stored (empty for a group that does not exist). */
  async committed(group: string): Promise<CommittedOffset[]> {
    assertName(group);
    return [...(await this.#store.read(group)).doc.offsets];
  }

  /**
   * Every group: those stored in the KV store and those with live members. With `logOffsetsOf`, each
   * summary also carries `totalLag` (as in `describe`).
   */
  async list(logOffsetsOf?: LogOffsetsOf): Promise<GroupSummary[]> {
    const stored = new Map((await this.#store.list()).map(({ group, doc }) => [group, doc]));
    const names = new Set([
      ...stored.keys(),
      ...[...this.#groups].filter(([, rt]) => rt.membership.size > 0).map(([g]) => g),
    ]);
    const summaries: GroupSummary[] = [];
    for (const group of [...names].sort(compareStrings)) {
      const doc = stored.get(group) ?? emptyGroupDocument();
      const m = this.#groups.get(group)?.membership ?? new GroupMembership(doc.generation);
      const summary: GroupSummary = {
        group,
        state: m.state(),
        generation: Math.max(m.generation, doc.generation),
        members: m.size,
        strategy: m.strategy ?? null,
      };
      if (logOffsetsOf !== undefined)
        summary.totalLag = (await describeGroup(group, m, doc, logOffsetsOf)).totalLag;
      summaries.push(summary);
    }
    return summaries;
  }

  /** State, members, assignments, committed offsets and lag; `logOffsetsOf` supplies each partition's log offsets. */
  async describe(group: string, logOffsetsOf: LogOffsetsOf): Promise<GroupDescription> {
    assertName(group);
    return this.#withGroup(group, async (rt) => {
      const stored = await this.#store.read(group);
      if (stored.revision === 0 && rt.membership.size === 0)
        throw syError('SY_ERR_GROUP_NOT_FOUND', { group });
      return describeGroup(group, rt.membership, stored.doc, logOffsetsOf);
    });
  }

  /** Deletes a group and its offsets; only while it has no live members. */
  async delete(group: string): Promise<void> {
    assertName(group);
    await this.#withGroup(group, async (rt) => {
      assertGroupEmpty(rt.membership, group, 'deleting it');
      const stored = await this.#store.read(group);
      if (stored.revision === 0) throw syError('SY_ERR_GROUP_NOT_FOUND', { group });
      await this.#store.delete(group, stored.revision);
      rt.stored = { doc: emptyGroupDocument(), revision: 0 };
      rt.membership.generation = 0;
    });
  }

  /**
   * Call once a stream is deleted: every group forgets its committed offsets there (as Kafka does on
   * topic deletion), so a stream created again under the name is read from the consumers' reset
   * policy, not from stale positions. Live members move off it at their next heartbeat (which
   * refreshes partition counts), and their commits there fail meanwhile (`commit` checks streams).
   */
  async forgetStream(stream: string): Promise<void> {
    for (const { group, doc } of await this.#store.list()) {
      if (!doc.offsets.some((o) => o.stream === stream)) continue;
      await this.#withGroup(group, async (rt) => {
        await rt.write((current) => withoutStream(current, stream));
      });
    }
  }

  /** At start: forgets offsets of streams that no longer exist (a crash between deletion and `forgetStream`). */
  async forgetMissingStreams(): Promise<void> {
    const missing = new Set<string>();
    for (const { doc } of await this.#store.list()) {
      for (const o of doc.offsets)
        if ((await this.#partitionsOf(o.stream)) === undefined) missing.add(o.stream);
    }
    for (const stream of missing) await this.forgetStream(stream);
  }

  /** Call when a stream's partition count changed: groups consuming it rebalance onto the new partitions. */
  async onPartitionsChanged(stream: string): Promise<void> {
    const groups = [...this.#groups.values()].filter((rt) => rt.membership.streams().includes(stream));
    await Promise.all(
      groups.map((rt) => this.#withGroup(rt.group, (current) => current.refreshPartitions())),
    );
  }

  /** Stops the timers; later calls fail with `SY_ERR_SERVER_SHUTTING_DOWN`. Live membership is not kept. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.idle();
    for (const rt of this.#groups.values()) rt.cancelTimer?.();
    this.#groups.clear();
  }

  /** Runs `fn` after every earlier operation on the group, with expired members removed first. */
  #withGroup<T>(group: string, fn: (rt: GroupRuntime) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(syError('SY_ERR_SERVER_SHUTTING_DOWN'));
    return this.#queue.run(group, async () => {
      const rt = this.#groups.get(group) ?? (await this.#load(group));
      try {
        await rt.expire();
        return await fn(rt);
      } catch (err) {
        if (!(err instanceof TakenOver)) throw err;
        for (const member of rt.membership.members()) rt.membership.remove(member.memberId);
        throw syError('SY_ERR_GROUP_GENERATION_STALE', { group, generation: err.ours, current: err.stored });
      } finally {
        this.#settle(rt);
      }
    });
  }

  async #load(group: string): Promise<GroupRuntime> {
    const rt = new GroupRuntime(group, await this.#store.read(group), this.#context);
    this.#groups.set(group, rt);
    return rt;
  }

  async #assertPartitionsExist(offsets: readonly { stream: string; partition: number }[]): Promise<void> {
    for (const { stream, partition } of offsets) {
      const count = await this.#partitionsOf(stream);
      if (count === undefined) throw syError('SY_ERR_STREAM_NOT_FOUND', { stream });
      if (partition >= count) {
        throw syError('SY_ERR_PARTITION_INVALID', { stream, partition, partitions: count, max: count - 1 });
      }
    }
  }

  #answer(rt: GroupRuntime, memberId: string, now: number): MemberAssignment {
    const member = rt.membership.get(memberId)!;
    return {
      memberId,
      generation: rt.membership.generation,
      assignment: rt.membership.reconcile(memberId, now),
      heartbeatIntervalMs: Math.min(
        this.#config.heartbeatIntervalMs,
        Math.floor(member.sessionTimeoutMs / 3),
      ),
    };
  }

  /** After each operation: forget an empty group, or re-arm the timer for its next deadline. */
  #settle(rt: GroupRuntime): void {
    rt.cancelTimer?.();
    rt.cancelTimer = undefined;
    const members = rt.membership.members();
    if (members.length === 0) {
      if (this.#groups.get(rt.group) === rt) this.#groups.delete(rt.group);
      return;
    }
    const next = Math.min(...members.map((member) => rt.membership.deadlineOf(member)));
    rt.cancelTimer = this.#timer.schedule(next - this.#timer.now(), () => {
      // The sweep happens in #withGroup; a failure here is retried by the next operation.
      this.#withGroup(rt.group, async () => undefined).catch(() => undefined);
    });
  }

  #notify(call: (observer: GroupObserver) => void): void {
    try {
      call(this.#observer);
    } catch {
      // Metrics must never fail a group operation.
    }
  }
}
