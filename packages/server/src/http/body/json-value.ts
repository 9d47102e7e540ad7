/**
 * The non-throwing core of the JSON scanner: validates and passes over a whole value (grammar, strings,
 * numbers, literals, nesting) in one loop without building anything, for spans and `isJsonValue`.
 */
import { fail, scanNumber, scanString, type TokenState } from './json-tokens.ts';

/** Expectations named in syntax errors, shared with the pull methods of the scanner. */
export const E_VALUE = 'a value (object, array, string, number, true, false or null)';
export const E_NAME_OR_CLOSE = "a member name in double quotes or '}'";
export const E_NAME_AFTER_COMMA = "a member name in double quotes after ','";
export const E_COLON = "':' after a member name";
export const E_AFTER_MEMBER = "',' or '}' after a member";
export const E_AFTER_ELEMENT = "',' or ']' after an element";

/** The expectation of a too-deep value. */
export function depthText(max: number): string {
  return `at most ${max} levels of nesting`;
}

// Container kinds by depth (1 = object, 0 = array). Shared by all scans: a scan runs to completion
// without yielding, so no two scans can interleave on one thread.
let kindsByDepth = new Uint8Array(130);

function stack(max: number): Uint8Array {
  if (kindsByDepth.length < max + 2) kindsByDepth = new Uint8Array(max + 2);
  return kindsByDepth;
}

function literal(t: TokenState, p: number, word: string): number {
  let i = 1;
  while (t.buf[p + i] === word.charCodeAt(i)) i++;
  return fail(t, p + i, `'${word}'`);
}

/**
 * Validates one value starting exactly at `p` (no leading whitespace) at nesting `depth`; returns the
 * position after it, or -1 with `errPos`/`errExpected` set. Iterative, so deep input costs a slot per
 * level in a byte array, never a JS stack frame.
 */
export function scanValue(t: TokenState, p: number, depth: number, max: number): number {
  const b = t.buf;
  const kinds = stack(max);
  const base = depth;
  let c: number | undefined;
  for (;;) {
    c = b[p];
    if (c === 0x22) {
      p = scanString(t, p);
      if (p < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth >= max) return fail(t, p, depthText(max));
      const isObject = c === 0x7b;
      c = b[++p];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
      if (isObject) {
        if (c === 0x7d) p++;
        else {
          if (c !== 0x22) return fail(t, p, E_NAME_OR_CLOSE);
          p = scanString(t, p);
          if (p < 0) return -1;
          c = b[p];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
          if (c !== 0x3a) return fail(t, p, E_COLON);
          c = b[++p];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
          kinds[++depth] = 1;
          continue;
        }
      } else if (c === 0x5d) p++;
      else {
        kinds[++depth] = 0;
        continue;
      }
    } else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) {
      p = scanNumber(t, p);
      if (p < 0) return -1;
    } else if (c === 0x74) {
      if (b[p + 1] !== 0x72 || b[p + 2] !== 0x75 || b[p + 3] !== 0x65) return literal(t, p, 'true');
      p += 4;
    } else if (c === 0x66) {
      if (b[p + 1] !== 0x61 || b[p + 2] !== 0x6c || b[p + 3] !== 0x73 || b[p + 4] !== 0x65) {
        return literal(t, p, 'false');
      }
      p += 5;
    } else if (c === 0x6e) {
      if (b[p + 1] !== 0x75 || b[p + 2] !== 0x6c || b[p + 3] !== 0x6c) return literal(t, p, 'null');
      p += 4;
    } else return fail(t, p, E_VALUE);
    // After a value: close containers until one continues with ','.
    for (;;) {
      if (depth === base) return p;
      c = b[p];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
      if (kinds[depth] === 1) {
        if (c === 0x2c) {
          c = b[++p];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
          if (c !== 0x22) return fail(t, p, E_NAME_AFTER_COMMA);
          p = scanString(t, p);
          if (p < 0) return -1;
          c = b[p];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
          if (c !== 0x3a) return fail(t, p, E_COLON);
          c = b[++p];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
          break;
        }
        if (c !== 0x7d) return fail(t, p, E_AFTER_MEMBER);
      } else {
        if (c === 0x2c) {
          c = b[++p];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
          break;
        }
        if (c !== 0x5d) return fail(t, p, E_AFTER_ELEMENT);
      }
      p++;
      depth--;
    }
  }
}
