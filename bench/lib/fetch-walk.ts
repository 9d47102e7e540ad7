/**
 * The lean consumer's view of a binary fetch answer: walks frames and every record in them
 * (no per-record objects), skipping records below the requested offset, and says where to fetch
 * next. `onValue`, when given, sees each counted record's value bytes.
 */

/** A partition position the consumer fetches from. */
export interface Position {
  stream: string;
  partition: number;
  offset: number;
}

let at = 0;
/** Reads a zigzag varint at `at`, advancing it; one- and two-byte values (most) take a short path. */
function varint(buf: Buffer): number {
  const b0 = buf[at++]!;
  if (b0 < 0x80) return (b0 >>> 1) ^ -(b0 & 1);
  const b1 = buf[at++]!;
  if (b1 < 0x80) {
    const raw = (b0 & 0x7f) | (b1 << 7);
    return (raw >>> 1) ^ -(raw & 1);
  }
  let raw = (b0 & 0x7f) + (b1 & 0x7f) * 128;
  let scale = 16384;
  for (;;) {
    const b = buf[at++]!;
    raw += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
}

/**
 * Counts the records of a fetch answer at or above each position's offset and moves each
 * position past what it read. Frames come in request order, one per position.
 */
export function walkFetch(
  body: Buffer,
  positions: Position[],
  onValue?: (buf: Buffer, start: number, end: number) => void,
): number {
  let count = 0;
  let pos = 0;
  let index = 0;
  while (pos < body.length) {
    const nameLength = body.readUInt16BE(pos);
    pos += 2 + nameLength;
    const nextOffset = body.readDoubleBE(pos + 20);
    const length = body.readUInt32BE(pos + 28);
    pos += 32;
    const end = pos + length;
    const position = positions[index++]!;
    const from = position.offset;
    let next = Math.max(from, nextOffset);
    let b = pos;
    while (b + 12 <= end) {
      const size = body.readInt32BE(b + 8) + 12;
      if (b + size > end) break;
      const base = body.readInt32BE(b) * 4294967296 + body.readUInt32BE(b + 4);
      const records = body.readInt32BE(b + 57);
      at = b + 61;
      for (let i = 0; i < records; i++) {
        const len = varint(body);
        const recordEnd = at + len;
        at += 1; // attributes
        varint(body); // timestamp delta
        const offset = base + varint(body);
        if (offset >= from) {
          count++;
          if (offset + 1 > next) next = offset + 1;
          if (onValue !== undefined) {
            const keyLength = varint(body);
            if (keyLength > 0) at += keyLength;
            const valueLength = varint(body);
            onValue(body, at, at + valueLength);
          }
        }
        at = recordEnd;
      }
      b += size;
    }
    position.offset = next;
    pos = end;
  }
  return count;
}

/**
 * Where the next fetch starts, from the frame headers alone (each frame's `nextOffset`), so a
 * consumer can send it before walking this answer; `caughtUp` when every partition has reached
 * its high watermark.
 */
export function nextPositions(
  body: Buffer,
  positions: readonly Position[],
): { next: Position[]; caughtUp: boolean } {
  const next = positions.map((p) => ({ ...p }));
  let caughtUp = true;
  let pos = 0;
  let index = 0;
  while (pos < body.length) {
    pos += 2 + body.readUInt16BE(pos);
    const highWatermark = body.readDoubleBE(pos + 4);
    const nextOffset = body.readDoubleBE(pos + 20);
    const p = next[index++]!;
    if (nextOffset > p.offset) p.offset = nextOffset;
    if (p.offset < highWatermark) caughtUp = false;
    pos += 32 + body.readUInt32BE(pos + 28);
  }
  return { next, caughtUp };
}
