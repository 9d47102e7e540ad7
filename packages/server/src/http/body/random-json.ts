/**
 * Test support: a seeded generator of random JSON texts (with the whitespace, escapes, number forms and
 * Unicode a hand-written document has) and of byte mutations of them, for the seeded fuzz tests.
 */

const WS = [' ', '\n', '\r', '\t', '  '];
const PIECES = [
  'a',
  'z',
  'é',
  '€',
  '😀',
  ' ',
  '\\n',
  '\\"',
  '\\\\',
  '\\/',
  '\\u0041',
  '\\uD83D\\uDE00',
  '\\t',
  'key',
  '0',
];
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '12',
  '3.25',
  '-0.5',
  '1e3',
  '1E-2',
  '2.5e+10',
  '9007199254740993',
  '1e400',
];

/** Generates one random JSON text. */
export function randomJson(rand: () => number, depth = 0): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const ws = () => (rand() < 0.15 ? pick(WS) : '');
  const str = () => {
    let s = '"';
    const n = Math.floor(rand() * 6);
    for (let i = 0; i < n; i++) s += pick(PIECES);
    return `${s}"`;
  };
  const r = rand();
  if (depth < 5 && r < 0.2) {
    const n = Math.floor(rand() * 4);
    const members: string[] = [];
    const names = new Set<string>();
    for (let i = 0; i < n; i++) {
      const name = str();
      // Distinct decoded names: with duplicates JSON.parse keeps the last, which no span comparison can follow.
      if (names.has(JSON.parse(name))) continue;
      names.add(JSON.parse(name));
      members.push(`${ws()}${name}${ws()}:${ws()}${randomJson(rand, depth + 1)}${ws()}`);
    }
    return `{${members.join(',') || ws()}}`;
  }
  if (depth < 5 && r < 0.4) {
    const n = Math.floor(rand() * 4);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(`${ws()}${randomJson(rand, depth + 1)}${ws()}`);
    return `[${items.join(',') || ws()}]`;
  }
  if (r < 0.65) return str();
  if (r < 0.88) return pick(NUMBERS);
  return pick(['true', 'false', 'null']);
}

const INSERTS = [',', ']', '}', '"', '\\', ':', '0', '-', '.', 'e', ' ', '\u0001', '\n', '{', '['];

/** Returns `bytes` with one random mutation: a byte flip, a truncation, an insertion or a deletion. */
export function mutate(rand: () => number, bytes: Buffer): Buffer {
  const at = Math.floor(rand() * (bytes.length + 1));
  const r = rand();
  if (r < 0.3 && bytes.length > 0) {
    const out = Buffer.from(bytes);
    const i = Math.min(at, bytes.length - 1);
    out[i] = rand() < 0.5 ? out[i]! ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256);
    return out;
  }
  if (r < 0.5) return bytes.subarray(0, at);
  if (r < 0.8) {
    const insert = Buffer.from(INSERTS[Math.floor(rand() * INSERTS.length)]!);
    return Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)]);
  }
  return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
}
