/**
 * Switchyard KV keys → JetStream KV keys. Ours are `/`-separated segments of `[A-Za-z0-9._-]`;
 * JetStream's are `.`-separated subject tokens of `[A-Za-z0-9_\-/=]`. `/` becomes `.` (so a key
 * prefix that ends on a segment boundary maps to a subject wildcard) and `.` becomes `=`, which our
 * keys never contain, so the mapping is one-to-one and reversible.
 */

/** The JetStream KV key for a (validated) Switchyard key. */
export function encodeKvKey(key: string): string {
  let out = '';
  for (const ch of key) out += ch === '/' ? '.' : ch === '.' ? '=' : ch;
  return out;
}

/** The Switchyard key for a JetStream KV key made by `encodeKvKey`. */
export function decodeKvKey(encoded: string): string {
  let out = '';
  for (const ch of encoded) out += ch === '.' ? '/' : ch === '=' ? '.' : ch;
  return out;
}

/**
 * The subject filter that covers every key starting with `prefix`: the whole segments of the prefix
 * followed by `>`, or `>` alone. Keys are then filtered by the full prefix.
 */
export function prefixFilter(prefix: string): string {
  const cut = prefix.lastIndexOf('/');
  return cut <= 0 ? '>' : `${encodeKvKey(prefix.slice(0, cut))}.>`;
}
