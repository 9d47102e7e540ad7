/**
 * Framing of the binary produce and fetch bodies (`application/vnd.switchyard.batches`).
 * Produce: frames of `partition u32 · length u32 · batches`.
 * Fetch answer: frames of `streamLength u16 · stream utf8 · partition u32 · highWatermark f64 ·
 * logStartOffset f64 · nextOffset f64 · length u32 · batches`. Offsets as float64 are exact to 2^53.
 */
import { syError } from './errors.ts';

/** One partition's batches in a produce body. */
export interface ProduceFrame {
  partition: number;
  batches: Buffer;
}

/** One partition's answer in a binary fetch. */
export interface FetchFrame {
  stream: string;
  partition: number;
  highWatermark: number;
  logStartOffset: number;
  nextOffset: number;
  batches: Buffer;
}

/** Encodes produce frames into one body. */
export function encodeProduceFrames(frames: readonly ProduceFrame[]): Buffer {
  let size = 0;
  for (const f of frames) size += 8 + f.batches.length;
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const f of frames) {
    out.writeUInt32BE(f.partition, pos);
    out.writeUInt32BE(f.batches.length, pos + 4);
    f.batches.copy(out, pos + 8);
    pos += 8 + f.batches.length;
  }
  return out;
}

/** Splits a produce body into frames (views, no copies). Throws `SY_ERR_BATCH_CORRUPT` on bad framing. */
export function decodeProduceFrames(body: Buffer): ProduceFrame[] {
  const frames: ProduceFrame[] = [];
  let pos = 0;
  while (pos < body.length) {
    if (body.length - pos < 8)
      throw syError('SY_ERR_BATCH_CORRUPT', { reason: `truncated frame header at byte ${pos}` });
    const partition = body.readUInt32BE(pos);
    const length = body.readUInt32BE(pos + 4);
    if (pos + 8 + length > body.length) {
      throw syError('SY_ERR_BATCH_CORRUPT', {
        reason: `frame at byte ${pos} needs ${length} bytes, only ${body.length - pos - 8} present`,
      });
    }
    frames.push({ partition, batches: body.subarray(pos + 8, pos + 8 + length) });
    pos += 8 + length;
  }
  return frames;
}

/** Bytes the frame header of `stream` takes in a fetch answer. */
export function fetchFrameHeaderSize(stream: string): number {
  return 2 + Buffer.byteLength(stream) + 4 + 24 + 4;
}

/** Writes one fetch frame header at `pos` of `out`; returns the position where its batches go. */
export function writeFetchFrameHeader(
  out: Buffer,
  pos: number,
  f: Omit<FetchFrame, 'batches'>,
  batchesLength: number,
): number {
  const nameLength = out.write(f.stream, pos + 2, 'utf8');
  out.writeUInt16BE(nameLength, pos);
  pos += 2 + nameLength;
  out.writeUInt32BE(f.partition, pos);
  out.writeDoubleBE(f.highWatermark, pos + 4);
  out.writeDoubleBE(f.logStartOffset, pos + 12);
  out.writeDoubleBE(f.nextOffset, pos + 20);
  out.writeUInt32BE(batchesLength, pos + 28);
  return pos + 32;
}

/** Splits a binary fetch answer into frames (views, no copies). */
export function decodeFetchFrames(body: Buffer): FetchFrame[] {
  const frames: FetchFrame[] = [];
  let pos = 0;
  while (pos < body.length) {
    const nameLength = body.readUInt16BE(pos);
    const stream = body.toString('utf8', pos + 2, pos + 2 + nameLength);
    pos += 2 + nameLength;
    const length = body.readUInt32BE(pos + 28);
    frames.push({
      stream,
      partition: body.readUInt32BE(pos),
      highWatermark: body.readDoubleBE(pos + 4),
      logStartOffset: body.readDoubleBE(pos + 12),
      nextOffset: body.readDoubleBE(pos + 20),
      batches: body.subarray(pos + 32, pos + 32 + length),
    });
    pos += 32 + length;
  }
  return frames;
}
