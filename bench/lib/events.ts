/**
 * The benchmark's events and request bodies: 200-byte JSON events shaped like the peer
 * benchmarks' (type, source, seq, ts, padded data), pre-encoded binary produce bodies and JSON
 * produce bodies of one batch each.
 */
import { encodeProduceFrames, encodeRecordBatch } from '../../packages/protocol/src/index.ts';

/** Bytes of one event. */
export const EVENT_BYTES = 200;

const HEAD = '{"type":"order.created","source":"bench","seq":';
const TAIL = '"}}';

/** The JSON text of event `seq` with send time `ts` (ns), padded to exactly EVENT_BYTES. */
export function eventText(seq: number, ts = 0): string {
  const base = `${HEAD}${seq},"ts":${ts},"data":{"sku":"SKU-12345","qty":3,"note":"`;
  const pad = EVENT_BYTES - base.length - TAIL.length;
  return base + 'x'.repeat(Math.max(pad, 0)) + TAIL;
}

/** One event as bytes. */
export function makeEvent(seq: number, ts = 0): Buffer {
  return Buffer.from(eventText(seq, ts));
}

/** A binary produce body: one frame for `partition` holding one RecordBatch of `count` events. */
export function binaryProduceBody(partition: number, firstSeq: number, count: number, ts = 0): Buffer {
  const records = [];
  for (let i = 0; i < count; i++) records.push({ key: null, value: makeEvent(firstSeq + i, ts) });
  const batch = encodeRecordBatch(records, { timestamp: Date.now() });
  return encodeProduceFrames([{ partition, batches: batch }]);
}

/** A JSON produce body `{"records":[{"key":null,"value":<event>}, …]}` of `count` events. */
export function jsonProduceBody(firstSeq: number, count: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`{"key":null,"value":${eventText(firstSeq + i)}}`);
  return Buffer.from(`{"records":[${parts.join(',')}]}`);
}
