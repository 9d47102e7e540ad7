import { type FetchFrame, isSwitchyardError, type TopicPartition } from '@switchyard/protocol';
import type { Admin } from './admin.ts';
import type { ConsumedBatch, ConsumerOptions, RunHandlers } from './consumer-options.ts';
import { isRetriable } from './errors.ts';
import { type ConsumedRecord, nextFetchOffset, recordsFrom } from './fetch-decoder.ts';
import { GroupMember } from './group-member.ts';
import { type HeldPartition, HeldPartitions } from './held-partitions.ts';
import type { HttpClient } from './http-client.ts';
import { MultiFetcher } from './multi-fetcher.ts';
import { OffsetCommitter } from './offset-committer.ts';
import { PartitionControls, type SeekPosition } from './partition-controls.ts';
import { PartitionLifecycle } from './partition-lifecycle.ts';

/**
 * Reads streams with multi-partition binary long-poll fetches. In a group the server assigns
 * partitions cooperatively: on a change the consumer stops the revoked partitions, commits them,
 * reports them released, and picks up new ones from their committed offsets (or `from`).
 */
export class Consumer implements AsyncIterable<ConsumedRecord> {
  #http: HttpClient;
  #admin: Admin;
  #o: ConsumerOptions;
  #member: GroupMember | undefined;
  #committer: OffsetCommitter | undefined;
  #held = new HeldPartitions();
  #controls = new PartitionControls(this.#held);
  #lifecycle: PartitionLifecycle;
  #changed = false;
  #fetcher: MultiFetcher;
  #wake: (() => void) | undefined;
  #stopping = false;
  #running = false;
  #failure: unknown;
  #done: Promise<void> | undefined;

  constructor(http: HttpClient, admin: Admin, options: ConsumerOptions) {
    if (options.group !== undefined && (options.streams?.length ?? 0) === 0) {
      throw new TypeError('a group consumer needs the streams it subscribes to');
    }
    if (
      options.group === undefined &&
      (options.streams?.length ?? 0) === 0 &&
      (options.partitions?.length ?? 0) === 0
    ) {
      throw new TypeError('a consumer needs streams, or partitions when it has no group');
    }
    this.#http = http;
    this.#admin = admin;
    this.#o = options;
    this.#lifecycle = new PartitionLifecycle(this.#held, options);
    this.#fetcher = new MultiFetcher(http, options.maxWaitMs ?? 500, options.maxBytes);
  }

  /** The partitions this consumer reads now. */
  get assignment(): TopicPartition[] {
    return this.#held
      .all()
      .filter((h) => !h.revoked)
      .map(({ stream, partition }) => ({ stream, partition }));
  }

  /** Stops fetching these partitions (records in hand for them are not handed out) until `resume`; kept across rebalances. */
  pause(partitions: TopicPartition[]): void {
    this.#controls.pause(partitions);
    this.#interrupt();
  }

  /** Fetches these paused partitions again. */
  resume(partitions: TopicPartition[]): void {
    this.#controls.resume(partitions);
    this.#interrupt();
  }

  /** The partitions paused now. */
  paused(): TopicPartition[] {
    return this.#controls.paused();
  }

  /**
   * Reads the partition from `offset` next: at once when it is held (records fetched before are
   * dropped; the next commit stores `offset`), else once it is assigned, instead of its committed offset.
   */
  seek(position: SeekPosition): void {
    this.#controls.seek(position);
    this.#interrupt();
  }

  /** Its member id in the group, once joined. */
  get memberId(): string | undefined {
    return this.#member?.memberId;
  }

  /** Consumes until `stop()`/`close()`, or until a handler throws: then it commits what was processed and rejects. */
  run(handlers: RunHandlers): Promise<void> {
    const { eachRecord, eachBatch } = handlers;
    if (eachRecord === undefined && eachBatch === undefined)
      throw new TypeError('run needs eachRecord or eachBatch');
    this.#drive(async () => {
      for await (const { held, batch } of this.#batches()) {
        const moves = held.moves;
        if (eachBatch !== undefined) {
          await eachBatch(batch);
          if (held.moves === moves) held.processed = batch.records.at(-1)!.offset + 1;
          continue;
        }
        for (const r of batch.records) {
          if (!this.#deliverable(held, moves, r)) break;
          await eachRecord!(r);
          if (held.moves === moves) held.processed = r.offset + 1;
        }
      }
    });
    return this.#done!;
  }

  /**
   * Records one at a time. A record counts as processed when the next one is asked for, or when the
   * loop is left (`break`, `return` or a throw), which also closes the consumer.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumedRecord> {
    let finish!: () => void;
    this.#drive(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    try {
      for await (const { held, batch } of this.#batches()) {
        const moves = held.moves;
        for (const r of batch.records) {
          if (!this.#deliverable(held, moves, r)) break;
          held.processed = r.offset + 1;
          yield r;
        }
      }
    } finally {
      finish();
      await this.#done;
    }
  }

  /** Commits the offsets of what was processed (a group consumer only). */
  async commit(): Promise<void> {
    if (this.#committer === undefined)
      throw new Error('commit needs a group consumer that has joined its group');
    await this.#committer.commit(this.#held.all());
  }

  /** Asks the consumer to stop after the record or batch in hand; `run` resolves once it has committed and left. */
  stop(): void {
    this.#stopping = true;
    this.#interrupt();
  }

  /** Stops, commits what was processed, leaves the group, and waits for all of it. Not to be awaited inside a handler. */
  async close(): Promise<void> {
    this.stop();
    await this.#done?.catch(() => {});
  }

  /**
   * May `r`, the next record of a batch in hand, be handed out? Not once the consumer stops, the
   * partition is revoked or was moved by a seek; a paused partition is fetched again from `r`.
   */
  #deliverable(held: HeldPartition, moves: number, r: ConsumedRecord): boolean {
    if (this.#stopping || held.revoked || held.moves !== moves) return false;
    if (!this.#controls.isPaused(held)) return true;
    held.fetchOffset = r.offset;
    return false;
  }

  #drive(body: () => Promise<void>): void {
    if (this.#running) throw new Error('the consumer is already running');
    this.#running = true;
    this.#done = (async () => {
      let failed = false;
      try {
        await body();
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        // After a handler's error, that error is the one to report, not a later one of the shutdown.
        await this.#shutdown().catch((err: unknown) => {
          if (!failed) throw err;
        });
      }
    })();
  }

  /** Fetched records per partition, with assignment changes, commits and resets handled between fetches. */
  async *#batches(): AsyncGenerator<{ held: HeldPartition; batch: ConsumedBatch }> {
    await this.#begin();
    while (!this.#stopping) {
      if (this.#failure !== undefined) throw this.#failure;
      await this.#reconcile();
      await this.#committer?.tick(this.#held.all());
      const active = this.#held.active().filter((h) => !this.#controls.isPaused(h));
      if (this.#changed) continue;
      if (active.length === 0) {
        await this.#idle(1000);
        continue;
      }
      const requested = new Map(active.map((h) => [h.key, h.fetchOffset]));
      const frames = await this.#fetch(active);
      for (const f of frames) {
        const h = this.#held.get(f.stream, f.partition);
        const from = h === undefined ? undefined : requested.get(h.key);
        if (h === undefined || h.revoked || from === undefined || h.fetchOffset !== from) continue;
        if (this.#controls.isPaused(h)) continue;
        const records = recordsFrom(f, from);
        h.fetchOffset = nextFetchOffset(f, from, records);
        if (records.length === 0) continue;
        yield {
          held: h,
          batch: { stream: f.stream, partition: f.partition, records, highWatermark: f.highWatermark },
        };
        if (this.#stopping || this.#changed) break;
      }
    }
  }

  async #begin(): Promise<void> {
    const { group, streams = [] } = this.#o;
    if (group === undefined) {
      for (const tp of this.#o.partitions ?? []) this.#held.hold(tp);
      for (const stream of streams) {
        const { partitions } = await this.#admin.describeStream(stream);
        for (let partition = 0; partition < partitions; partition++) this.#held.hold({ stream, partition });
      }
      this.#changed = true;
      return;
    }
    const { strategy, sessionTimeoutMs, clientId } = this.#o;
    this.#member = new GroupMember(
      this.#http,
      { group, streams, strategy, sessionTimeoutMs, clientId },
      {
        owned: () => this.#held.owned(),
        assigned: (res) => {
          if (this.#held.follow(res.assignment)) this.#change();
        },
        lost: () => {
          this.#held.loseAll();
          this.#change();
        },
        failed: (err) => {
          this.#failure = err;
          this.#interrupt();
        },
      },
    );
    this.#committer = new OffsetCommitter(this.#http, this.#member, { ...this.#o, group });
    await this.#member.join();
  }

  #change(): void {
    this.#changed = true;
    this.#interrupt();
  }

  /** Between fetches: commit and release revoked partitions, then find where new ones start and announce them. */
  async #reconcile(): Promise<void> {
    if (!this.#changed) return;
    this.#changed = false;
    const revoked = this.#held.all().filter((h) => h.revoked);
    if (revoked.length > 0) {
      await this.#lifecycle.revoke(revoked, this.#committer);
      this.#member?.heartbeatNow();
    }
    this.#controls.applyPendingSeeks();
    if (this.#held.all().some((h) => h.fetchOffset < 0)) {
      try {
        await this.#held.resolveStart(this.#admin, this.#o.group, this.#o.from ?? 'earliest');
      } catch (err) {
        if (!isRetriable(err)) throw err;
        this.#changed = true;
        await this.#idle(500);
        return;
      }
    }
    await this.#lifecycle.announce();
  }

  async #fetch(active: HeldPartition[]): Promise<FetchFrame[]> {
    try {
      return await this.#fetcher.fetch(
        active.map((h) => ({ stream: h.stream, partition: h.partition, offset: h.fetchOffset })),
      );
    } catch (err) {
      if (isSwitchyardError(err, 'SY_ERR_OFFSET_OUT_OF_RANGE')) {
        const d = err.details as { stream: string; partition: number; start: number; end: number };
        const h = this.#held.get(d.stream, d.partition);
        if (h !== undefined) {
          h.fetchOffset = this.#o.from === 'latest' ? d.end : d.start;
          // A seek out of range must not be committed as the position.
          if (h.processed > d.end || (h.processed >= 0 && h.processed < d.start)) h.processed = h.fetchOffset;
        }
        return [];
      }
      if (!isRetriable(err)) throw err;
      await this.#idle(1000);
      return [];
    }
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    try {
      await this.#lifecycle.revoke(this.#held.all(), this.#committer);
    } finally {
      await this.#member?.leave();
      this.#held.clear();
    }
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #interrupt(): void {
    this.#fetcher.abort();
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
