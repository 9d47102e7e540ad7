import type { PartitionLogConfig } from '../../log-store.ts';
import { storageError } from '../storage-error.ts';
import { compactSegment, latestOffsets } from './compaction.ts';
import type { Preallocator } from './preallocator.ts';
import { segmentsToDelete } from './retention.ts';
import type { Segment } from './segment.ts';

/** Bytes one clean freed, by cause. */
export interface CleanResult {
  retained: number;
  compacted: number;
}

/**
 * Retention and compaction of one partition's segment list (edited in place; the active segment
 * is never touched). Deleted segments' files are offered to the preallocator for reuse.
 * Compaction works as Kafka's cleaner: records before `#compactedUpTo` are the clean section (one
 * record left per key); a round maps the latest offset of each key from there on, as far as
 * `mapBytes` allows, and rewrites the sealed segments the map reaches.
 */
export class PartitionCleaner {
  readonly #segments: Segment[];
  readonly #preallocator: Preallocator;
  readonly #interval: number;
  readonly #mapBytes: number;
  #compactedUpTo = -1;
  #tombstonesDue = Number.POSITIVE_INFINITY;

  constructor(segments: Segment[], preallocator: Preallocator, indexInterval: number, mapBytes: number) {
    this.#segments = segments;
    this.#preallocator = preallocator;
    this.#interval = indexInterval;
    this.#mapBytes = mapBytes;
  }

  /** Forgets what the last compaction covered (after a config change). */
  reset(): void {
    this.#compactedUpTo = -1;
  }

  /** Applies retention, then compaction when the policy asks for it and there is something to do. */
  async clean(config: PartitionLogConfig, now: number): Promise<CleanResult> {
    let retained = 0;
    for (const seg of segmentsToDelete(this.#segments, config, now)) {
      this.#segments.splice(this.#segments.indexOf(seg), 1);
      retained += seg.size;
      const recycled = this.#preallocator.recycle(seg.path('.log'));
      await seg.remove(recycled).catch((err: unknown) => {
        throw storageError(err, `delete ${seg.path('.log')}`);
      });
    }
    let compacted = 0;
    if (config.cleanupPolicy.includes('compact') && this.#compactionDue(config, now)) {
      const from = Math.max(this.#compactedUpTo, 0);
      const { latest, coveredUpTo } = await latestOffsets(this.#segments.slice(), from, this.#mapBytes);
      const sealed = this.#segments.slice(0, -1);
      const sealedEnd = sealed[sealed.length - 1]?.nextOffset ?? -1;
      const kept = { earliest: Number.POSITIVE_INFINITY };
      const tombstoneBefore = now - config.deleteRetentionMs;
      const options = { tombstoneBefore, interval: this.#interval, kept, coveredUpTo };
      for (const seg of sealed) {
        if (seg.baseOffset >= coveredUpTo) break;
        const fresh = await compactSegment(seg, latest, options);
        const at = this.#segments.indexOf(seg);
        if (fresh === null || at < 0) continue;
        this.#segments[at] = fresh;
        compacted += seg.size - fresh.size;
        seg.retire();
      }
      // What the map covered of the sealed segments is now clean; the active segment's records are
      // mapped again next time, once they are sealed and can be rewritten.
      this.#compactedUpTo = Math.min(coveredUpTo, sealedEnd);
      this.#tombstonesDue = kept.earliest;
    }
    return { retained, compacted };
  }

  /**
   * Compaction reads every sealed segment, so it runs only when there is something new to do: a
   * segment sealed since the last run, or a kept tombstone that has aged past deleteRetentionMs.
   */
  #compactionDue(config: PartitionLogConfig, now: number): boolean {
    const sealedEnd = this.#segments[this.#segments.length - 2]?.nextOffset ?? -1;
    return sealedEnd > this.#compactedUpTo || now - config.deleteRetentionMs > this.#tombstonesDue;
  }
}
