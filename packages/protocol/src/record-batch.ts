/**
 * Kafka RecordBatch v2 (magic 2), uncompressed: the one record format of Switchyard. A producer
 * encodes it, the server verifies it and writes it as is (only `baseOffset`, outside the CRC, is
 * set on append), and a binary fetch returns the stored bytes. See docs/adr/0001-record-format.md.
 *
 * Layout (big-endian): baseOffset i64 · batchLength i32 · partitionLeaderEpoch i32 · magic i8 ·
 * crc u32 (CRC32C of attributes..end) · attributes i16 · lastOffsetDelta i32 · baseTimestamp i64 ·
 * maxTimestamp i64 · producerId i64 · producerEpoch i16 · baseSequence i32 · recordCount i32 ·
 * records. Record: length varint · attributes i8 · timestampDelta varint · offsetDelta varint ·
 * keyLength varint (-1 = null) · key · valueLength varint · value · headerCount varint ·
 * (keyLength varint · key utf8 · valueLength varint · value)*.
 */
import { crc32c } from './crc32c.ts';
import { syError } from './errors.ts';
import { VarintReader, varintSize, writeVarint } from './varint.ts';

/** Bytes before the first record. */
export const BATCH_HEADER_SIZE = 61;
/** Bytes of `baseOffset` + `batchLength`, which `batchLength` does not count. */
export const BATCH_LOG_OVERHEAD = 12;
const CRC_POS = 17;
const ATTRIBUTES_POS = 21;
const COMPRESSION_MASK = 0x07;
const CONTROL_FLAG = 0x20;

/** One header of a record. */
export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

/** A record to encode. `timestamp` defaults to the batch timestamp. */
export interface RecordInput {
  key?: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordHeader[] | null;
  timestamp?: number;
}

/** A decoded record. Key, value and header values are views into the batch bytes. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Producer identity of a batch; -1s for a non-idempotent producer. */
export interface BatchOptions {
  baseOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Default timestamp for records without one (ms); defaults to now. */
  timestamp?: number;
}

/** The fixed fields of one batch. */
export interface BatchHeader {
  /** Position of the batch in the buffer it was read from. */
  position: number;
  /** Total bytes of the batch including the 12-byte log overhead. */
  size: number;
  baseOffset: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  attributes: number;
  crc: number;
}

function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * 4294967296, pos + 4);
}

function bytesSize(b: Uint8Array | null | undefined): number {
  return b == null ? 1 : varintSize(b.length) + b.length;
}

function writeBytes(buf: Buffer, pos: number, b: Uint8Array | null | undefined): number {
  if (b == null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  buf.set(b, pos);
  return pos + b.length;
}

/** Encodes records into one batch (one allocation, no per-record objects kept). */
export function encodeRecordBatch(records: readonly RecordInput[], options: BatchOptions = {}): Buffer {
  if (records.length === 0) throw new RangeError('a batch needs at least one record');
  const baseTimestamp = options.timestamp ?? Date.now();
  let maxTimestamp = baseTimestamp;
  let minTimestamp = Number.POSITIVE_INFINITY;
  for (const r of records) {
    const t = r.timestamp ?? baseTimestamp;
    if (t > maxTimestamp) maxTimestamp = t;
    if (t < minTimestamp) minTimestamp = t;
  }
  const first = minTimestamp;
  // Sizes first, so the batch is one Buffer.
  const bodySizes = new Array<number>(records.length);
  let total = BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    let size = 1 + varintSize((r.timestamp ?? baseTimestamp) - first) + varintSize(i);
    size += bytesSize(r.key) + bytesSize(r.value);
    const headers = r.headers ?? [];
    size += varintSize(headers.length);
    for (const h of headers) {
      const klen = Buffer.byteLength(h.key);
      size += varintSize(klen) + klen + bytesSize(h.value);
    }
    bodySizes[i] = size;
    total += varintSize(size) + size;
  }
  const buf = Buffer.allocUnsafe(total);
  writeInt64(buf, 0, options.baseOffset ?? 0);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD, 8);
  buf.writeInt32BE(-1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt16BE(0, ATTRIBUTES_POS);
  buf.writeInt32BE(records.length - 1, 23);
  writeInt64(buf, 27, first);
  writeInt64(buf, 35, maxTimestamp);
  writeInt64(buf, 43, options.producerId ?? -1);
  buf.writeInt16BE(options.producerEpoch ?? -1, 51);
  buf.writeInt32BE(options.baseSequence ?? -1, 53);
  buf.writeInt32BE(records.length, 57);
  let pos = BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    pos = writeVarint(buf, pos, bodySizes[i]!);
    buf[pos++] = 0;
    pos = writeVarint(buf, pos, (r.timestamp ?? baseTimestamp) - first);
    pos = writeVarint(buf, pos, i);
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    const headers = r.headers ?? [];
    pos = writeVarint(buf, pos, headers.length);
    for (const h of headers) {
      const klen = Buffer.byteLength(h.key);
      pos = writeVarint(buf, pos, klen);
      pos += buf.write(h.key, pos, 'utf8');
      pos = writeBytes(buf, pos, h.value);
    }
  }
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES_POS, total), CRC_POS);
  return buf;
}

/** Reads the fixed fields of the batch at `pos` without checking it. */
export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  return {
    position: pos,
    size: buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD,
    baseOffset: readInt64(buf, pos),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp: readInt64(buf, pos + 27),
    maxTimestamp: readInt64(buf, pos + 35),
    producerId: readInt64(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordCount: buf.readInt32BE(pos + 57),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_POS),
    crc: buf.readUInt32BE(pos + CRC_POS),
  };
}

/** Sets the base offset of the batch at `pos` (outside the CRC, so the checksum stays valid). */
export function setBaseOffset(buf: Buffer, pos: number, offset: number): void {
  writeInt64(buf, pos, offset);
}

/**
 * Size of the batch at `pos` if its header is whole and its length plausible, else -1.
 * Used to find the end of a log without trusting a torn tail.
 */
export function batchSizeAt(buf: Buffer, pos: number, end = buf.length): number {
  if (end - pos < BATCH_HEADER_SIZE) return -1;
  const size = buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE || pos + size > end || buf[pos + 16] !== 2) return -1;
  return size;
}

/** Why a batch is not valid, or null when it is. Checks framing, magic, CRC and every record's bounds. */
export function batchProblem(buf: Buffer, pos: number, end = buf.length): string | null {
  if (end - pos < BATCH_HEADER_SIZE) return `truncated header at byte ${pos}`;
  const size = buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) return `batch length ${size} at byte ${pos} is too small`;
  if (pos + size > end) return `batch at byte ${pos} needs ${size} bytes, only ${end - pos} present`;
  if (buf[pos + 16] !== 2) return `magic byte ${buf[pos + 16]} at byte ${pos} is not 2`;
  const stored = buf.readUInt32BE(pos + CRC_POS);
  if (crc32c(buf, pos + ATTRIBUTES_POS, pos + size) !== stored) return `CRC mismatch in batch at byte ${pos}`;
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_POS);
  if ((attributes & COMPRESSION_MASK) !== 0)
    return 'compressed batches are not supported; send uncompressed batches';
  const count = buf.readInt32BE(pos + 57);
  if (count <= 0) return `batch at byte ${pos} has ${count} records`;
  const r = new VarintReader(buf, pos + BATCH_HEADER_SIZE, pos + size);
  try {
    for (let i = 0; i < count; i++) {
      const length = r.read();
      const recordEnd = r.pos + length;
      if (length < 6 || recordEnd > pos + size) return `record ${i} overruns its batch`;
      r.end = recordEnd;
      r.pos += 1;
      r.read();
      r.read();
      for (let field = 0; field < 2; field++) {
        const n = r.read();
        if (n < -1 || r.pos + Math.max(n, 0) > recordEnd) return `record ${i} has a bad key or value length`;
        r.pos += Math.max(n, 0);
      }
      const headers = r.read();
      if (headers < 0) return `record ${i} has a negative header count`;
      for (let h = 0; h < headers; h++) {
        const k = r.read();
        if (k < 0 || r.pos + k > recordEnd) return `record ${i} header ${h} has a bad key length`;
        r.pos += k;
        const v = r.read();
        if (v < -1 || r.pos + Math.max(v, 0) > recordEnd)
          return `record ${i} header ${h} has a bad value length`;
        r.pos += Math.max(v, 0);
      }
      if (r.pos !== recordEnd) return `record ${i} length does not match its fields`;
      r.end = pos + size;
    }
  } catch (err) {
    return `malformed record: ${(err as Error).message}`;
  }
  if (r.pos !== pos + size) return `batch at byte ${pos} has bytes after its last record`;
  return null;
}

/**
 * Verifies a concatenation of batches (what a producer sends) and returns their headers.
 * Throws `SY_ERR_BATCH_CORRUPT` naming the first problem; nothing is half-accepted.
 */
export function verifyBatches(buf: Buffer): BatchHeader[] {
  const headers: BatchHeader[] = [];
  let pos = 0;
  if (buf.length === 0) throw syError('SY_ERR_BATCH_CORRUPT', { reason: 'the body is empty' });
  while (pos < buf.length) {
    const problem = batchProblem(buf, pos);
    if (problem !== null) throw syError('SY_ERR_BATCH_CORRUPT', { reason: problem });
    const header = readBatchHeader(buf, pos);
    if ((header.attributes & CONTROL_FLAG) !== 0) {
      throw syError('SY_ERR_BATCH_CORRUPT', { reason: 'control batches cannot be produced' });
    }
    headers.push(header);
    pos += header.size;
  }
  return headers;
}

/** Calls `fn` for each record of the batch at `pos` (which must be valid), in order. */
export function forEachRecord(buf: Buffer, pos: number, fn: (record: DecodedRecord) => void): void {
  const size = buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD;
  const baseOffset = readInt64(buf, pos);
  const baseTimestamp = readInt64(buf, pos + 27);
  const count = buf.readInt32BE(pos + 57);
  const r = new VarintReader(buf, pos + BATCH_HEADER_SIZE, pos + size);
  for (let i = 0; i < count; i++) {
    r.read();
    r.pos += 1;
    const timestamp = baseTimestamp + r.read();
    const offset = baseOffset + r.read();
    const key = readBytes(buf, r);
    const value = readBytes(buf, r);
    const headerCount = r.read();
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const klen = r.read();
      const hkey = buf.toString('utf8', r.pos, r.pos + klen);
      r.pos += klen;
      headers.push({ key: hkey, value: readBytes(buf, r) });
    }
    fn({ offset, timestamp, key, value, headers });
  }
}

function readBytes(buf: Buffer, r: VarintReader): Buffer | null {
  const n = r.read();
  if (n < 0) return null;
  const out = buf.subarray(r.pos, r.pos + n);
  r.pos += n;
  return out;
}

/** Decodes every record of every batch in `buf` (whole batches, as a read returns them). */
export function decodeBatches(buf: Buffer): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  let pos = 0;
  while (pos + BATCH_LOG_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD;
    if (pos + size > buf.length) break;
    forEachRecord(buf, pos, (rec) => out.push(rec));
    pos += size;
  }
  return out;
}
