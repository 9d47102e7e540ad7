/**
 * The record frame of the embedded KV files (WAL and snapshot): `length u32 · crc32c u32 · body`,
 * body = `op u8 · revision u64 · keyLength u16 · key (ASCII) · value`. A frame whose length runs
 * past the end of the file or whose CRC does not match ends the readable part of a file.
 */
import { crc32c } from '@switchyard/protocol';

/** A put of `key` = `value`. */
export const OP_PUT = 1;
/** A delete of `key`. */
export const OP_DELETE = 2;
/** The last frame of a complete snapshot; its revision is the snapshot's revision. */
export const OP_END = 3;

/** Bytes of a frame before its key. */
export const FRAME_OVERHEAD = 8 + 1 + 8 + 2;
/** The 8 magic bytes that open a WAL file. */
export const WAL_MAGIC = Buffer.from('SYKVWAL1');
/** The 8 magic bytes that open a snapshot file. */
export const SNAPSHOT_MAGIC = Buffer.from('SYKVSNP1');

/** One decoded frame; `value` is a view into the file bytes. */
export interface KvFrame {
  op: number;
  revision: number;
  key: string;
  value: Buffer;
}

/** Encodes one frame into a new Buffer. */
export function encodeFrame(op: number, revision: number, key: string, value: Uint8Array | null): Buffer {
  const keyLength = key.length;
  const valueLength = value === null ? 0 : value.length;
  const frame = Buffer.allocUnsafe(FRAME_OVERHEAD + keyLength + valueLength);
  frame.writeUInt32BE(frame.length - 8, 0);
  frame[8] = op;
  frame.writeUInt32BE(Math.floor(revision / 4294967296), 9);
  frame.writeUInt32BE(revision >>> 0, 13);
  frame.writeUInt16BE(keyLength, 17);
  frame.write(key, 19, 'latin1');
  if (value !== null) frame.set(value, 19 + keyLength);
  frame.writeUInt32BE(crc32c(frame, 8), 4);
  return frame;
}

/** The frames of `buf` from `start` on, and where the valid part ends (a torn or corrupt tail begins there). */
export function parseFrames(buf: Buffer, start: number): { frames: KvFrame[]; validEnd: number } {
  const frames: KvFrame[] = [];
  let pos = start;
  while (buf.length - pos >= 8) {
    const length = buf.readUInt32BE(pos);
    const end = pos + 8 + length;
    if (length < FRAME_OVERHEAD - 8 || end > buf.length) break;
    if (crc32c(buf, pos + 8, end) !== buf.readUInt32BE(pos + 4)) break;
    const keyLength = buf.readUInt16BE(pos + 17);
    if (pos + FRAME_OVERHEAD + keyLength > end) break;
    frames.push({
      op: buf[pos + 8]!,
      revision: buf.readUInt32BE(pos + 9) * 4294967296 + buf.readUInt32BE(pos + 13),
      key: buf.toString('latin1', pos + FRAME_OVERHEAD, pos + FRAME_OVERHEAD + keyLength),
      value: buf.subarray(pos + FRAME_OVERHEAD + keyLength, end),
    });
    pos = end;
  }
  return { frames, validEnd: pos };
}
