import type { RecordHeader, RecordInput } from '@switchyard/protocol';

/** A record key: text (UTF-8) or bytes; null or absent for none. */
export type RecordKey = string | Uint8Array | null | undefined;

/** Header values: text (UTF-8) or bytes. */
export type RecordHeaders = Record<string, string | Uint8Array>;

/** A record to produce. `value` bytes are sent as given, strings as UTF-8, other values as JSON. */
export interface ProducerRecord {
  key?: RecordKey;
  value: unknown;
  headers?: RecordHeaders;
  /** Sends to this partition instead of choosing one from the key. */
  partition?: number;
  /** Create time in ms; defaults to now. */
  timestamp?: number;
}

const encoder = new TextEncoder();

/** The bytes of a key, or null. */
export function keyBytes(key: RecordKey): Uint8Array | null {
  if (key == null) return null;
  return typeof key === 'string' ? encoder.encode(key) : key;
}

/** The bytes of a value: bytes as is, strings as UTF-8, null/undefined as null, anything else JSON-encoded once. */
export function valueBytes(value: unknown): Uint8Array | null {
  if (value == null) return null;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  const json = JSON.stringify(value);
  if (json === undefined)
    throw new TypeError(`a record value of type ${typeof value} cannot be encoded as JSON`);
  return encoder.encode(json);
}

function headerList(headers: RecordHeaders | undefined): RecordHeader[] | null {
  if (headers === undefined) return null;
  const out: RecordHeader[] = [];
  for (const key in headers) {
    const v = headers[key]!;
    out.push({ key, value: typeof v === 'string' ? encoder.encode(v) : v });
  }
  return out;
}

/** Converts a record to codec input, given its already encoded key. */
export function toRecordInput(record: ProducerRecord, key: Uint8Array | null): RecordInput {
  return {
    key,
    value: valueBytes(record.value),
    headers: headerList(record.headers),
    timestamp: record.timestamp,
  };
}

/** Bytes a record adds to a batch, near enough for batch limits (varint lengths counted at their largest). */
export function estimateSize(r: RecordInput): number {
  let size = 21 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  if (r.headers) for (const h of r.headers) size += 10 + h.key.length * 3 + (h.value?.length ?? 0);
  return size;
}
