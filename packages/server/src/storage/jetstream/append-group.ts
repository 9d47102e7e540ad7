/**
 * Turns the appends waiting for one publish into the payload of one message: checks each append's
 * idempotent batches against the producer state (in order, so later ones see earlier ones),
 * assigns offsets from `baseOffset` on, and records what each append will answer. An append that
 * fails its checks is left out without touching the others.
 */
import { type BatchHeader, readBatchHeader, setBaseOffset } from '@switchyard/protocol';
import type { AppendResult } from '../log-store.ts';
import type { BatchMeta, ProducerStateTable } from '../producer-state.ts';
import type { ProducerBatch } from './log-message-meta.ts';

/** One append call as queued: its bytes and verified batch headers. */
export interface AppendRequest {
  bytes: Buffer;
  headers: BatchHeader[];
}

/** The message to publish for a group, and each append's answer once it is stored. */
export interface PreparedGroup {
  parts: Buffer[];
  producers: ProducerBatch[];
  /** Per request: its result, or the error it fails with. */
  outcomes: Array<AppendResult | Error>;
  /** Offset after the last record of the message. */
  endOffset: number;
  maxTimestamp: number;
}

/** Prepares `requests` for one message starting at `baseOffset`; records producer state in `table` (journaled). */
export function prepareGroup(
  requests: readonly AppendRequest[],
  table: ProducerStateTable,
  baseOffset: number,
  partition: number,
  now: number,
): PreparedGroup {
  const out: PreparedGroup = {
    parts: [],
    producers: [],
    outcomes: [],
    endOffset: baseOffset,
    maxTimestamp: -1,
  };
  for (const req of requests) {
    const mark = table.mark();
    try {
      const fresh: BatchHeader[] = [];
      const dups: BatchMeta[] = [];
      let next = out.endOffset;
      for (const h of req.headers) {
        const dup = h.producerId >= 0 ? table.check(h, partition) : null;
        if (dup !== null) {
          dups.push(dup);
          continue;
        }
        if (h.producerId >= 0) table.record(h, next, now);
        fresh.push(h);
        next += h.lastOffsetDelta + 1;
      }
      if (fresh.length === 0) {
        out.outcomes.push({
          baseOffset: dups[0]!.firstOffset,
          lastOffset: dups.at(-1)!.lastOffset,
          appendTime: now,
          duplicate: true,
        });
        continue;
      }
      const base = out.endOffset;
      for (const h of fresh) {
        const copy = Buffer.from(req.bytes.subarray(h.position, h.position + h.size));
        setBaseOffset(copy, 0, out.endOffset);
        if (h.producerId >= 0)
          out.producers.push({ ...readBatchHeader(copy, 0), firstOffset: out.endOffset });
        if (h.maxTimestamp > out.maxTimestamp) out.maxTimestamp = h.maxTimestamp;
        out.parts.push(copy);
        out.endOffset += h.lastOffsetDelta + 1;
      }
      out.outcomes.push({
        baseOffset: base,
        lastOffset: out.endOffset - 1,
        appendTime: now,
        duplicate: false,
      });
    } catch (err) {
      table.rollback(mark);
      out.outcomes.push(err as Error);
    }
  }
  return out;
}
