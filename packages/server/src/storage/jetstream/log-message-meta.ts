/**
 * Headers of one stored partition message (one append: one or more record batches). They carry
 * everything the in-memory index and producer state need, so both are rebuilt on open from a
 * headers-only scan without reading payloads.
 */
import type { BatchHeader } from '@switchyard/protocol';
import { type MsgHdrs, headers as natsHeaders } from 'nats';

/** Header with `<baseOffset>-<lastOffset>` of the message's records. */
export const HDR_OFFSETS = 'Sy-Offsets';
/** Header with the largest record timestamp in the message (ms). */
export const HDR_MAX_TS = 'Sy-Max-Ts';
/** Header listing idempotent batches: `pid/epoch/baseSequence/lastOffsetDelta/firstOffset;…`. */
export const HDR_PRODUCERS = 'Sy-Producers';

/** What the index keeps per message. */
export interface MessageMeta {
  seq: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: number;
}

/** One idempotent batch as the producer-state table needs it. */
export type ProducerBatch = Pick<
  BatchHeader,
  'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta'
> & {
  firstOffset: number;
};

/** Builds the headers of a message. */
export function encodeMeta(
  baseOffset: number,
  lastOffset: number,
  maxTimestamp: number,
  producers: ProducerBatch[],
): MsgHdrs {
  const h = natsHeaders();
  h.set(HDR_OFFSETS, `${baseOffset}-${lastOffset}`);
  h.set(HDR_MAX_TS, String(maxTimestamp));
  if (producers.length > 0) {
    h.set(
      HDR_PRODUCERS,
      producers
        .map(
          (p) => `${p.producerId}/${p.producerEpoch}/${p.baseSequence}/${p.lastOffsetDelta}/${p.firstOffset}`,
        )
        .join(';'),
    );
  }
  return h;
}

/** Reads the headers of a stored message; null when it is not a Switchyard log message. */
export function decodeMeta(
  seq: number,
  bytes: number,
  get: (name: string) => string,
): { meta: MessageMeta; producers: ProducerBatch[] } | null {
  const m = /^(\d+)-(\d+)$/.exec(get(HDR_OFFSETS));
  if (m === null) return null;
  const producers: ProducerBatch[] = [];
  const list = get(HDR_PRODUCERS);
  if (list !== '') {
    for (const item of list.split(';')) {
      const [producerId, producerEpoch, baseSequence, lastOffsetDelta, firstOffset] = item
        .split('/')
        .map(Number);
      producers.push({
        producerId: producerId ?? -1,
        producerEpoch: producerEpoch ?? -1,
        baseSequence: baseSequence ?? -1,
        lastOffsetDelta: lastOffsetDelta ?? 0,
        firstOffset: firstOffset ?? 0,
      });
    }
  }
  return {
    meta: {
      seq,
      baseOffset: Number(m[1]),
      lastOffset: Number(m[2]),
      maxTimestamp: Number(get(HDR_MAX_TS)),
      bytes,
    },
    producers,
  };
}
