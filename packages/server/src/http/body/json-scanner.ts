/**
 * A strict RFC 8259 pull scanner over the bytes of a JSON document. It finds value boundaries and
 * validates everything it passes over (grammar, escapes, UTF-8 inside strings, nesting depth) without
 * building objects, so a body parser can keep each event's original bytes instead of re-serializing.
 */
import { jsonSyntaxError } from './json-syntax-error.ts';
import { scanNumber, scanString } from './json-tokens.ts';
import {
  depthText,
  E_AFTER_ELEMENT,
  E_AFTER_MEMBER,
  E_COLON,
  E_NAME_AFTER_COMMA,
  E_NAME_OR_CLOSE,
  E_VALUE,
  scanValue,
} from './json-value.ts';

/** What the next value is, judged by its first byte. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** Scanner options. */
export interface JsonScannerOptions {
  /** Deepest nesting of objects and arrays accepted (default 128). */
  maxDepth?: number;
}

/** The default nesting limit: deep enough for real events, shallow enough to bound work per byte. */
export const DEFAULT_MAX_DEPTH = 128;

/** Validating pull scanner; throws only `SY_ERR_REQUEST_MALFORMED_JSON` with the byte position. */
export class JsonScanner {
  /** The document. */
  readonly buf: Buffer;
  /** The next byte to read. */
  pos = 0;
  /** Current nesting depth of the containers entered through the pull methods. */
  depth = 0;
  /** Set by the last string read (member name or string value): its content span and whether it has escapes. */
  strStart = 0;
  strEnd = 0;
  strEscaped = false;
  /** Position and expectation of the last failure of a non-throwing scan. */
  errPos = 0;
  errExpected = '';
  readonly #maxDepth: number;
  /** True right after entering a container: no ',' is expected before its first member or element. */
  #first = false;

  constructor(buf: Buffer, options: JsonScannerOptions = {}) {
    this.buf = buf;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Skips whitespace and tells the kind of the next value; throws when no value can start there. */
  peek(): JsonKind {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    this.pos = p;
    if (c === 0x7b) return 'object';
    if (c === 0x5b) return 'array';
    if (c === 0x22) return 'string';
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return 'number';
    if (c === 0x74 || c === 0x66) return 'boolean';
    if (c === 0x6e) return 'null';
    throw jsonSyntaxError(b, p, E_VALUE);
  }

  /** Consumes the `{` of an object (after `peek() === 'object'`). */
  enterObject(): void {
    this.#enter(0x7b, "'{'");
  }

  /** Consumes the `[` of an array (after `peek() === 'array'`). */
  enterArray(): void {
    this.#enter(0x5b, "'['");
  }

  #enter(open: number, expected: string): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (c !== open) throw jsonSyntaxError(b, p, expected);
    if (this.depth >= this.#maxDepth) throw jsonSyntaxError(b, p, depthText(this.#maxDepth));
    this.depth++;
    this.pos = p + 1;
    this.#first = true;
  }

  /** Moves to the next member of the current object and reads its name (see `strStart`); false at `}`. */
  nextMember(): boolean {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (c === 0x7d) {
      this.pos = p + 1;
      this.depth--;
      this.#first = false;
      return false;
    }
    let expected = E_NAME_OR_CLOSE;
    if (!this.#first) {
      if (c !== 0x2c) throw jsonSyntaxError(b, p, E_AFTER_MEMBER);
      c = b[++p];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
      expected = E_NAME_AFTER_COMMA;
    }
    if (c !== 0x22) throw jsonSyntaxError(b, p, expected);
    p = scanString(this, p);
    if (p < 0) throw jsonSyntaxError(b, this.errPos, this.errExpected);
    c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (c !== 0x3a) throw jsonSyntaxError(b, p, E_COLON);
    this.pos = p + 1;
    this.#first = false;
    return true;
  }

  /** Moves to the next element of the current array; false at `]`. */
  nextElement(): boolean {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (this.#first) {
      this.#first = false;
      if (c === 0x5d) {
        this.pos = p + 1;
        this.depth--;
        return false;
      }
      this.pos = p;
      return true;
    }
    if (c === 0x5d) {
      this.pos = p + 1;
      this.depth--;
      return false;
    }
    if (c !== 0x2c) throw jsonSyntaxError(b, p, E_AFTER_ELEMENT);
    this.pos = p + 1;
    return true;
  }

  /** True when the last string read equals `name` (bytes of a plain ASCII name). */
  nameIs(name: Uint8Array): boolean {
    if (this.strEscaped) return this.text() === latin1(name);
    const len = name.length;
    const s = this.strStart;
    if (this.strEnd - s !== len) return false;
    const b = this.buf;
    for (let i = 0; i < len; i++) if (b[s + i] !== name[i]) return false;
    return true;
  }

  /** The last string read, decoded. */
  text(): string {
    const b = this.buf;
    if (!this.strEscaped) return b.toString('utf8', this.strStart, this.strEnd);
    // Already validated, so the engine's parser decodes the escapes exactly as JSON.parse would.
    return JSON.parse(b.toString('utf8', this.strStart - 1, this.strEnd + 1)) as string;
  }

  /** The last string read as UTF-8 bytes: a view into the document when it has no escapes. */
  textBytes(): Buffer {
    if (!this.strEscaped) return this.buf.subarray(this.strStart, this.strEnd);
    return Buffer.from(this.text(), 'utf8');
  }

  /** Reads a string value; its span is in `strStart`/`strEnd`. */
  readString(): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (c !== 0x22) throw jsonSyntaxError(b, p, 'a string');
    p = scanString(this, p);
    if (p < 0) throw jsonSyntaxError(b, this.errPos, this.errExpected);
    this.pos = p;
  }

  /** Reads a number. */
  readNumber(): number {
    const b = this.buf;
    let start = this.pos;
    let c = b[start];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++start];
    if (c !== 0x2d && !(c !== undefined && c >= 0x30 && c <= 0x39))
      throw jsonSyntaxError(b, start, 'a number');
    const p = scanNumber(this, start);
    if (p < 0) throw jsonSyntaxError(b, this.errPos, this.errExpected);
    this.pos = p;
    // Small plain integers are summed in place; anything else goes through the engine's conversion.
    if (p - start < 16) {
      let v = 0;
      let i = start;
      for (; i < p; i++) {
        const c = b[i]!;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
      }
      if (i === p) return v;
    }
    return Number(b.toString('latin1', start, p));
  }

  /** Validates and passes over one whole value; returns its start, `pos` is then its end. */
  skipValue(): number {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    const end = this.scanValue(p, this.depth);
    if (end < 0) throw jsonSyntaxError(b, this.errPos, this.errExpected);
    this.pos = end;
    return p;
  }

  /** Requires that only whitespace follows; throws on trailing garbage. */
  finish(): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (p < b.length) throw jsonSyntaxError(b, p, 'the end of input after the JSON value');
    this.pos = p;
  }

  /** True when the whole document is exactly one valid JSON value (whitespace around allowed). */
  validate(): boolean {
    const b = this.buf;
    let p = 0;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    p = this.scanValue(p, 0);
    if (p < 0) return false;
    c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (p < b.length) {
      this.errPos = p;
      this.errExpected = 'the end of input after the JSON value';
      return false;
    }
    return true;
  }

  /** Non-throwing: validates one value starting exactly at `p`; see `scanValue` in json-value.ts. */
  scanValue(p: number, depth: number): number {
    return scanValue(this, p, depth, this.#maxDepth);
  }
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
