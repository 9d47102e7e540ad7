/**
 * Extracts the named fields of an event straight from its UTF-8 JSON bytes: keys are compared with the key met
 * at the same position of the same path node last time, else matched against the path trie by hash and bytes
 * (no string is made for a key unless it has escapes or dots), values of unnamed fields
 * are skipped without decoding, and only leaves on named paths become strings or numbers. Number literals are
 * read as written (`300.0` is the number 300).
 *
 * The scanner trusts the event to be JSON that was validated at ingest; structural errors it meets throw a
 * SyntaxError, but it does not re-validate the parts it skips.
 */
import {
  type EventFields,
  eventTooDeep,
  hashBytes,
  MAX_ARRAY_NESTING,
  type PathNode,
} from './event-fields.ts';
import { ByteKeyMemory, SEEN_LIMIT } from './key-memory.ts';

/** Node's direct slice decoders (skipping toString's argument handling), with a portable fallback. */
interface SliceDecoders {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const direct = typeof (Buffer.prototype as unknown as Partial<SliceDecoders>).latin1Slice === 'function';
function decode(ascii: boolean, start: number, end: number): string {
  if (direct) {
    const b = buf as unknown as SliceDecoders;
    return ascii ? b.latin1Slice(start, end) : b.utf8Slice(start, end);
  }
  return buf.toString(ascii ? 'latin1' : 'utf8', start, end);
}

let buf: Buffer = Buffer.alloc(0);
let pos = 0;
let arrayDepth = 0;
let out: EventFields;

function syntax(what: string): never {
  throw new SyntaxError(`Invalid JSON event: ${what} at byte ${pos}`);
}

/** Extracts the named fields of the JSON event in `bytes` into `fields`. */
export function collectRaw(root: PathNode, bytes: Uint8Array, fields: EventFields): void {
  buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  pos = 0;
  arrayDepth = 0;
  out = fields;
  skipWs();
  if (buf[pos] === 0x7b) scanObject(root, -1);
  else if (pos >= buf.length) syntax('empty input');
}

function skipWs(): void {
  let c = buf[pos];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++pos];
}

function findChild(
  node: PathNode,
  start: number,
  end: number,
  hash: number,
  plain: boolean,
): PathNode | undefined {
  if (plain) {
    const bucket = node.byHash.get(hash);
    if (bucket !== undefined) {
      outer: for (let b = 0; b < bucket.length; b++) {
        const candidate = bucket[b] as PathNode;
        const key = candidate.keyBytes;
        if (key.length !== end - start) continue;
        for (let i = 0; i < key.length; i++) if (key[i] !== buf[start + i]) continue outer;
        return candidate;
      }
    }
    // A key without escapes or dots is one step: the hash lookup is the whole answer.
    return undefined;
  }
  // Slow path: escapes, or a dotted key that may span several steps.
  const key = plain
    ? buf.toString('utf8', start, end)
    : (JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string);
  return node.children.get(key) ?? (key.indexOf('.') >= 0 ? node.descend(key) : undefined);
}

function scanObject(node: PathNode, chain: number): void {
  let memory = node.rawMemory;
  if (memory === null) {
    memory = new ByteKeyMemory();
    node.rawMemory = memory;
  }
  memory.refresh();
  let position = 0;
  pos++; // {
  skipWs();
  if (buf[pos] === 0x7d) {
    pos++;
    return;
  }
  for (;;) {
    if (buf[pos] !== 0x22) syntax('expected a key');
    const b = buf;
    let p = pos + 1;
    const start = p;
    let plain = true;
    let c = b[p];
    while (c !== 0x22) {
      if (c === undefined) {
        pos = p;
        syntax('unterminated key');
      }
      if (c === 0x5c) {
        plain = false;
        p++;
      } else if (c === 0x2e) {
        plain = false;
      }
      c = b[++p];
    }
    const end = p;
    pos = p + 1;
    skipWs();
    if (buf[pos] !== 0x3a) syntax('expected a colon');
    pos++;
    skipWs();
    let child: PathNode | null | undefined;
    if (node.children.size > 0) {
      // Objects of one kind list their keys in one order: compare with the key met at this position last time.
      const remembered = position < SEEN_LIMIT;
      if (remembered && memory.has(position, b, start, end)) child = memory.children[position];
      else {
        child = findChild(node, start, end, hashBytes(b, start, end), plain) ?? null;
        if (remembered) memory.set(position, b, start, end, child);
      }
    }
    position++;
    if (child == null) skipValue();
    else scanValue(child, chain);
    skipWs();
    const sep = buf[pos++];
    if (sep === 0x2c) {
      skipWs();
      continue;
    }
    if (sep === 0x7d) return;
    pos--;
    syntax('expected , or }');
  }
}

function scanValue(node: PathNode, chain: number): void {
  const c = buf[pos];
  if (c === 0x7b) {
    if (node.children.size > 0) scanObject(node, chain);
    else skipValue();
  } else if (c === 0x5b) {
    if (++arrayDepth > MAX_ARRAY_NESTING) throw eventTooDeep();
    const array = out.arrayCount++;
    pos++;
    skipWs();
    if (buf[pos] === 0x5d) {
      pos++;
      arrayDepth--;
      return;
    }
    for (let index = 0; ; index++) {
      const e = buf[pos];
      scanValue(node, e === 0x7b || e === 0x5b ? out.pushChain(chain, array, index) : chain);
      skipWs();
      const sep = buf[pos++];
      if (sep === 0x2c) {
        skipWs();
        continue;
      }
      if (sep === 0x5d) {
        arrayDepth--;
        return;
      }
      pos--;
      syntax('expected , or ]');
    }
  } else if (node.fieldId < 0) {
    skipValue();
  } else if (c === 0x22) {
    out.addLeaf(node.fieldId, readString(), chain);
  } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
    const literal = c === 0x74 ? true : c === 0x66 ? false : null;
    pos += literal === false ? 5 : 4;
    out.addLeaf(node.fieldId, literal, chain);
  } else {
    out.addLeaf(node.fieldId, readNumber(), chain);
  }
}

function readString(): string {
  const b = buf;
  let p = pos + 1;
  const start = p;
  let ascii = true;
  let escaped = false;
  let c = b[p];
  while (c !== 0x22) {
    if (c === undefined) {
      pos = p;
      syntax('unterminated string');
    }
    if (c === 0x5c) {
      escaped = true;
      p++;
    } else if ((c as number) >= 0x80) {
      ascii = false;
    }
    c = b[++p];
  }
  pos = p + 1;
  if (escaped) return JSON.parse(buf.toString('utf8', start - 1, p + 1)) as string;
  return decode(ascii, start, p);
}

function readNumber(): number {
  const start = pos;
  let c = buf[pos];
  let negative = false;
  if (c === 0x2d) {
    negative = true;
    c = buf[++pos];
  }
  let value = 0;
  let digits = 0;
  while (c !== undefined && c >= 0x30 && c <= 0x39) {
    value = value * 10 + (c - 0x30);
    digits++;
    c = buf[++pos];
  }
  if (digits === 0) syntax('expected a value');
  if (c !== 0x2e && c !== 0x65 && c !== 0x45 && digits <= 15) return negative ? -value : value;
  // Fractions, exponents and long literals: let the engine round exactly.
  while (
    c !== undefined &&
    ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d)
  ) {
    c = buf[++pos];
  }
  return Number(buf.toString('latin1', start, pos));
}

function skipString(): void {
  const b = buf;
  let p = pos + 1;
  let c = b[p];
  while (c !== 0x22) {
    if (c === undefined) {
      pos = p;
      syntax('unterminated string');
    }
    if (c === 0x5c) p++;
    c = b[++p];
  }
  pos = p + 1;
}

function skipValue(): void {
  const c = buf[pos];
  if (c === 0x22) {
    skipString();
    return;
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (;;) {
      const d = buf[pos];
      if (d === undefined) syntax('unterminated object or array');
      if (d === 0x22) {
        skipString();
        continue;
      }
      pos++;
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        if (--depth === 0) return;
      }
    }
  }
  // Number or literal: up to the next delimiter.
  let d = buf[pos];
  while (
    d !== undefined &&
    d !== 0x2c &&
    d !== 0x7d &&
    d !== 0x5d &&
    d !== 0x20 &&
    d !== 0x0a &&
    d !== 0x0d &&
    d !== 0x09
  ) {
    d = buf[++pos];
  }
}
