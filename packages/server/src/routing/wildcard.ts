/**
 * The `wildcard` operator: `*` matches zero or more characters, `\*` is a literal star and `\\` a literal
 * backslash. Parsing reports AWS's messages (positions are UTF-8 byte offsets in the quoted value, as
 * event-ruler counts them); a complexity measure rejects patterns whose matching could keep too many partial
 * matches alive at once (AWS: "Rule is too complex …").
 */

/** A parsed wildcard: the literal pieces between the stars. `"a*b"` is `['a', 'b']`; `"*a"` is `['', 'a']`. */
export interface WildcardProgram {
  readonly pieces: readonly string[];
}

/** Thrown with the AWS reason text when a wildcard value is malformed. */
export class WildcardSyntaxError extends Error {}

const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/** The AWS reason for a wildcard over the complexity limit. */
export const WILDCARD_TOO_COMPLEX = TOO_COMPLEX;

function bytePos(text: string, index: number): number {
  // +1: event-ruler parses the value with its surrounding quote, so offsets start at 1.
  return Buffer.byteLength(text.slice(0, index), 'utf8') + 1;
}

/** Parses a wildcard value; throws WildcardSyntaxError with AWS's reason text. */
export function parseWildcard(text: string): WildcardProgram {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2a) {
      if (text.charCodeAt(i + 1) === 0x2a)
        throw new WildcardSyntaxError(`Consecutive wildcard characters at pos ${bytePos(text, i)}`);
      pieces.push(current);
      current = '';
    } else if (c === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (next !== 0x2a && next !== 0x5c)
        throw new WildcardSyntaxError(`Invalid escape character at pos ${bytePos(text, i)}`);
      current += text[i + 1];
      i++;
    } else {
      current += text[i];
    }
  }
  pieces.push(current);
  return { pieces };
}

/** True when `value` matches the wildcard program. */
export function wildcardMatches(program: WildcardProgram, value: string): boolean {
  const pieces = program.pieces;
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  // Leftmost placement of each middle piece is optimal for star-only globs.
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string;
    if (piece.length === 0) continue;
    const found = value.indexOf(piece, pos);
    if (found < 0 || found + piece.length > end) return false;
    pos = found + piece.length;
  }
  return true;
}

/**
 * The most partial matches that can be alive at once while matching the wildcard against any input: the largest
 * state set of its subset construction, capped at `cap`. A value without stars scores 1.
 */
export function wildcardComplexity(program: WildcardProgram, cap = 64): number {
  // NFA over the unescaped characters; a star state loops on any character.
  const tokens: (string | null)[] = [];
  program.pieces.forEach((piece, i) => {
    if (i > 0) tokens.push(null);
    for (const ch of piece) tokens.push(ch);
  });
  const n = tokens.length;
  const closure = (states: Set<number>): Set<number> => {
    const out = new Set(states);
    for (const s of states) {
      let t = s;
      while (t < n && tokens[t] === null) out.add(++t);
    }
    return out;
  };
  const alphabet = [...new Set(tokens.filter((t): t is string => t !== null)), '\u0000other'];
  const key = (s: Set<number>) => [...s].sort((a, b) => a - b).join(',');
  const start = closure(new Set([0]));
  const seen = new Set([key(start)]);
  const queue = [start];
  let max = start.size;
  let explored = 0;
  while (queue.length > 0 && explored < 5000) {
    const states = queue.shift() as Set<number>;
    explored++;
    for (const ch of alphabet) {
      const next = new Set<number>();
      for (const s of states) {
        if (s >= n) continue;
        const token = tokens[s];
        if (token === null) next.add(s);
        else if (token === ch) next.add(s + 1);
      }
      if (next.size === 0) continue;
      const closed = closure(next);
      const k = key(closed);
      if (seen.has(k)) continue;
      seen.add(k);
      if (closed.size > max) max = closed.size;
      if (max >= cap) return cap;
      queue.push(closed);
    }
  }
  return max;
}

// Rule sets repeat wildcards; the subset construction is worth remembering (bounded, cleared when full).
const complexityCache = new Map<string, number>();

/** Parses and checks the complexity limit; throws WildcardSyntaxError with AWS's reason text. */
export function compileWildcard(text: string, maxComplexity: number): WildcardProgram {
  const program = parseWildcard(text);
  if (program.pieces.length > 1) {
    const key = `${maxComplexity}:${text}`;
    let complexity = complexityCache.get(key);
    if (complexity === undefined) {
      complexity = wildcardComplexity(program, maxComplexity + 1);
      if (complexityCache.size >= 10_000) complexityCache.clear();
      complexityCache.set(key, complexity);
    }
    if (complexity > maxComplexity) throw new WildcardSyntaxError(TOO_COMPLEX);
  }
  return program;
}
