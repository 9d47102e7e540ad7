/**
 * The two JSON tokens that need a loop: strings (escapes, control characters, UTF-8) and numbers
 * (RFC 8259 grammar). Non-throwing: they return the position after the token, or -1 with the failure
 * recorded on the state, so the scanner can also answer "is this valid?" without exceptions.
 */

/** The scanner fields a token scan reads and writes. */
export interface TokenState {
  readonly buf: Uint8Array;
  strStart: number;
  strEnd: number;
  strEscaped: boolean;
  errPos: number;
  errExpected: string;
}

const E_CHAR = 'a string character (control characters must be escaped, e.g. \\n)';
const E_ESCAPE = 'an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX) after a backslash';
const E_HEX = "4 hex digits after '\\u'";
const E_UTF8 = 'valid UTF-8 (JSON text must be UTF-8)';

/** 1 for the bytes that need no attention inside a string: printable ASCII other than '"' and '\\'. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) if (c !== 0x22 && c !== 0x5c) PLAIN[c] = 1;

/** Records a failure on the state; returns -1 for the caller to pass on. */
export function fail(t: TokenState, p: number, expected: string): number {
  t.errPos = p;
  t.errExpected = expected;
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/**
 * Scans the string whose opening quote is at `p`; sets `strStart`/`strEnd` (content, without quotes)
 * and `strEscaped`. Returns the position after the closing quote, or -1.
 */
export function scanString(t: TokenState, p: number): number {
  // Kept small so the engine inlines it into the scanner's loops: most strings are short plain ASCII.
  const b = t.buf;
  const n = b.length;
  const start = p + 1;
  let q = start;
  while (q < n && PLAIN[b[q]!] === 1) q++;
  if (q < n && b[q] === 0x22) {
    t.strStart = start;
    t.strEnd = q;
    t.strEscaped = false;
    return q + 1;
  }
  return scanStringSlow(t, start, q);
}

/** The rest of a string from `p` on, where `start` is its first content byte: escapes, UTF-8, errors. */
function scanStringSlow(t: TokenState, start: number, p: number): number {
  const b = t.buf;
  const n = b.length;
  let escaped = false;
  for (;;) {
    // One table load per byte for the common run of plain ASCII; everything else is handled below.
    while (p < n && PLAIN[b[p]!] === 1) p++;
    if (p >= n) return fail(t, p, `'"' to end the string that starts at byte ${start - 1}`);
    const c = b[p]!;
    if (c === 0x22) break;
    if (c < 0x80) {
      if (c !== 0x5c) return fail(t, p, E_CHAR);
      escaped = true;
      const e = b[p + 1]!;
      if (e === 0x75) {
        if (!isHex(b[p + 2]!)) return fail(t, p + 2, E_HEX);
        if (!isHex(b[p + 3]!)) return fail(t, p + 3, E_HEX);
        if (!isHex(b[p + 4]!)) return fail(t, p + 4, E_HEX);
        if (!isHex(b[p + 5]!)) return fail(t, p + 5, E_HEX);
        p += 6;
      } else if (
        e === 0x22 ||
        e === 0x5c ||
        e === 0x2f ||
        e === 0x6e ||
        e === 0x74 ||
        e === 0x72 ||
        e === 0x62 ||
        e === 0x66
      ) {
        p += 2;
      } else return fail(t, p + 1, E_ESCAPE);
      continue;
    }
    // Multi-byte UTF-8: reject overlong forms, encoded surrogates and code points above U+10FFFF,
    // which Buffer#toString would otherwise turn silently into U+FFFD.
    if (c < 0xc2) return fail(t, p, E_UTF8);
    if (c < 0xe0) {
      if ((b[p + 1]! & 0xc0) !== 0x80) return fail(t, p + 1, E_UTF8);
      p += 2;
    } else if (c < 0xf0) {
      const c1 = b[p + 1]!;
      if (!(c1 >= (c === 0xe0 ? 0xa0 : 0x80) && c1 <= (c === 0xed ? 0x9f : 0xbf)))
        return fail(t, p + 1, E_UTF8);
      if ((b[p + 2]! & 0xc0) !== 0x80) return fail(t, p + 2, E_UTF8);
      p += 3;
    } else if (c < 0xf5) {
      const c1 = b[p + 1]!;
      if (!(c1 >= (c === 0xf0 ? 0x90 : 0x80) && c1 <= (c === 0xf4 ? 0x8f : 0xbf)))
        return fail(t, p + 1, E_UTF8);
      if ((b[p + 2]! & 0xc0) !== 0x80) return fail(t, p + 2, E_UTF8);
      if ((b[p + 3]! & 0xc0) !== 0x80) return fail(t, p + 3, E_UTF8);
      p += 4;
    } else return fail(t, p, E_UTF8);
  }
  t.strStart = start;
  t.strEnd = p;
  t.strEscaped = escaped;
  return p + 1;
}

/** Scans the number starting at `p` (a '-' or a digit); returns the position after it, or -1. */
export function scanNumber(t: TokenState, p: number): number {
  const b = t.buf;
  let c = b[p]!;
  if (c === 0x2d) c = b[++p]!;
  if (c === 0x30) {
    c = b[++p]!;
    if (c >= 0x30 && c <= 0x39) return fail(t, p, "'.', 'e' or the end of the number after a leading 0");
  } else if (c >= 0x31 && c <= 0x39) {
    do c = b[++p]!;
    while (c >= 0x30 && c <= 0x39);
  } else return fail(t, p, "a digit after '-'");
  if (c === 0x2e) {
    c = b[++p]!;
    if (!(c >= 0x30 && c <= 0x39)) return fail(t, p, "a digit after '.'");
    do c = b[++p]!;
    while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x65 || c === 0x45) {
    c = b[++p]!;
    if (c === 0x2b || c === 0x2d) c = b[++p]!;
    if (!(c >= 0x30 && c <= 0x39)) return fail(t, p, 'a digit in the exponent');
    do c = b[++p]!;
    while (c >= 0x30 && c <= 0x39);
  }
  return p;
}
