/**
 * Zigzag varints as Kafka's record format uses them (protobuf encoding). Numbers stay JS numbers:
 * exact up to 2^53, which covers offsets, lengths and millisecond timestamps.
 */

/** Bytes `value` takes as a zigzag varint. */
export function varintSize(value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Writes `value` as a zigzag varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  while (z >= 128) {
    buf[pos++] = (z % 128) | 128;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

/** A cursor for reading varints; `pos` advances. Throws RangeError on a truncated or over-long varint. */
export class VarintReader {
  buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Reads one zigzag varint. */
  read(): number {
    let z = 0;
    let mul = 1;
    for (let n = 0; n < 8; n++) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++]!;
      z += (b & 127) * mul;
      if (b < 128) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  }
}
