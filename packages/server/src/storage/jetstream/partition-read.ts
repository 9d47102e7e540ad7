/**
 * The read side of a JetStream partition: fetch the payloads of chosen messages (all requests sent
 * at once, answered by the stream leader, so reads see every acknowledged append), then cut the
 * batches to what a read asked for.
 */
import { BATCH_LOG_OVERHEAD, forEachRecord, readBatchHeader } from '@switchyard/protocol';
import type { JetStreamManager } from 'nats';
import { fromNatsError } from './jetstream-errors.ts';
import type { MessageMeta } from './log-message-meta.ts';

function isNotFound(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string } | null;
  return e?.api_error?.err_code === 10037 || /no message found/i.test(e?.message ?? '');
}

interface DirectGet {
  getMessage(stream: string, query: { seq: number }): Promise<{ data: Uint8Array }>;
}

async function getPayload(
  jsm: JetStreamManager,
  streamName: string,
  seq: number,
  direct: boolean,
): Promise<Uint8Array> {
  // nats.js 2.29 has `direct` on its manager but not on the JetStreamManager interface.
  const api = direct ? (jsm as JetStreamManager & { direct?: DirectGet }).direct : undefined;
  if (api !== undefined) {
    try {
      return (await api.getMessage(streamName, { seq })).data;
    } catch (err) {
      // A replica that has not caught up answers "not found": ask the leader before believing it.
      if (!isNotFound(err)) throw err;
    }
  }
  return (await jsm.streams.getMessage(streamName, { seq })).data;
}

/**
 * The payloads of `metas`, in order; null when one of them no longer exists (retention ran
 * elsewhere). `direct` uses direct get (raw bytes, no JSON/base64 round trip) when the stream allows it.
 */
export async function fetchPayloads(
  jsm: JetStreamManager,
  streamName: string,
  metas: readonly MessageMeta[],
  direct = false,
): Promise<Buffer[] | null> {
  let missing = false;
  const payloads = await Promise.all(
    metas.map(async (m) => {
      try {
        const data = await getPayload(jsm, streamName, m.seq, direct);
        return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      } catch (err) {
        if (!isNotFound(err)) throw fromNatsError(err, `read ${streamName} #${m.seq}`);
        missing = true;
        return Buffer.alloc(0);
      }
    }),
  );
  return missing ? null : payloads;
}

/**
 * Whole batches from the one containing `offset` on, up to about `maxBytes` (at least one batch),
 * and the offset after the last batch returned.
 */
export function sliceRead(
  payloads: readonly Buffer[],
  offset: number,
  maxBytes: number,
): { data: Buffer; nextOffset: number } {
  const parts: Buffer[] = [];
  let size = 0;
  let nextOffset = offset;
  for (const payload of payloads) {
    let pos = 0;
    while (pos + BATCH_LOG_OVERHEAD <= payload.length) {
      const h = readBatchHeader(payload, pos);
      const last = h.baseOffset + h.lastOffsetDelta;
      if (last >= offset) {
        if (parts.length > 0 && size + h.size > maxBytes)
          return { data: Buffer.concat(parts, size), nextOffset };
        parts.push(payload.subarray(pos, pos + h.size));
        size += h.size;
        nextOffset = last + 1;
      }
      pos += h.size;
    }
  }
  return { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), nextOffset };
}

/** The first record offset >= `minOffset` in `payload` whose timestamp is >= `timestamp`, or null. */
export function firstOffsetAtOrAfter(payload: Buffer, timestamp: number, minOffset: number): number | null {
  let pos = 0;
  while (pos + BATCH_LOG_OVERHEAD <= payload.length) {
    const h = readBatchHeader(payload, pos);
    if (h.maxTimestamp >= timestamp) {
      let found: number | null = null;
      forEachRecord(payload, pos, (r) => {
        if (found === null && r.offset >= minOffset && r.timestamp >= timestamp) found = r.offset;
      });
      if (found !== null) return found;
    }
    pos += h.size;
  }
  return null;
}
