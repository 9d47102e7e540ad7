/**
 * CRC32C (Castagnoli). The built-in implementation is slicing-by-8 in plain JS, so this package
 * needs no dependency; a process that has a faster one (the server loads a native, SSE4.2-backed
 * module: about 6x the JS rate over a 210 KB batch, 2x over 200 bytes; docs/adr/0008-native-crc32c.md)
 * installs it with `useCrc32c`, which first checks that it agrees with this one.
 */

const POLY = 0x82f63b78;
const TABLES: Int32Array[] = [];
{
  const t0 = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c;
  }
  TABLES.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = TABLES[t - 1]!;
    const next = new Int32Array(256);
    for (let n = 0; n < 256; n++) next[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    TABLES.push(next);
  }
}
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];

/** A CRC32C of `buf[start, end)` continuing from `seed`, unsigned 32-bit: the shape `useCrc32c` takes. */
export type Crc32cFunction = (buf: Uint8Array, start: number, end: number, seed: number) => number;

/** The slicing-by-8 JS CRC32C of `buf[start, end)`, continuing from `seed`. Unsigned 32-bit. */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  let crc = ~seed;
  let i = start;
  const end8 = end - ((end - start) & 7);
  while (i < end8) {
    const a = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) ^ crc;
    crc =
      T7[a & 0xff]! ^
      T6[(a >>> 8) & 0xff]! ^
      T5[(a >>> 16) & 0xff]! ^
      T4[a >>> 24]! ^
      T3[buf[i + 4]!]! ^
      T2[buf[i + 5]!]! ^
      T1[buf[i + 6]!]! ^
      T0[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) crc = (crc >>> 8) ^ T0[(crc ^ buf[i++]!) & 0xff]!;
  return ~crc >>> 0;
}

let active: Crc32cFunction = crc32cJs;

/** CRC32C of `buf[start, end)`, continuing from `seed` (a previous result) when given. Unsigned 32-bit. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  return active(buf, start, end, seed);
}

/** Inputs on which a replacement must agree with the JS implementation before it is used. */
function selfTestVectors(): Uint8Array[] {
  const big = new Uint8Array(4099);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919 + 13) & 0xff;
  return [new Uint8Array(0), new TextEncoder().encode('123456789'), big.subarray(1, 8), big];
}

/**
 * Makes `crc32c` use `fn` from now on (null restores the JS one). Throws, and keeps the current
 * implementation, if `fn` disagrees with the JS CRC on a few vectors, slices and a seeded continuation.
 */
export function useCrc32c(fn: Crc32cFunction | null): void {
  if (fn === null) {
    active = crc32cJs;
    return;
  }
  for (const v of selfTestVectors()) {
    const cases: [number, number, number][] = [
      [0, v.length, 0],
      [v.length >> 2, v.length - (v.length >> 3), 0],
      [0, v.length, 0x1234abcd],
    ];
    for (const [s, e, seed] of cases) {
      if (fn(v, s, e, seed) !== crc32cJs(v, s, e, seed))
        throw new Error(`CRC32C implementation disagrees with the reference on ${e - s} bytes`);
    }
  }
  active = fn;
}

/** True when `crc32c` runs the built-in JS implementation. */
export function usingJsCrc32c(): boolean {
  return active === crc32cJs;
}
