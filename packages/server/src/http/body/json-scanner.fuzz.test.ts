import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { prng as seededRandom } from '../../testing/seeded-random.ts';
import { JsonScanner } from './json-scanner.ts';
import { mutate, randomJson } from './random-json.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function engineAccepts(bytes: Buffer): boolean | 'not-utf8' {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return 'not-utf8';
  }
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Walks a document with the pull API, checking that every returned span parses to the original's part. */
function walk(sc: JsonScanner, expected: unknown): void {
  const kind = sc.peek();
  if (kind === 'object' && sc.depth < 3) {
    const obj = expected as Record<string, unknown>;
    sc.enterObject();
    const seen = new Set<string>();
    while (sc.nextMember()) {
      const name = sc.text();
      seen.add(name);
      walk(sc, obj[name]);
    }
    assert.deepEqual(seen, new Set(Object.keys(obj)));
  } else if (kind === 'array' && sc.depth < 3) {
    const arr = expected as unknown[];
    sc.enterArray();
    let i = 0;
    while (sc.nextElement()) walk(sc, arr[i++]);
    assert.equal(i, arr.length);
  } else if (kind === 'string' && expected !== undefined) {
    sc.readString();
    assert.equal(sc.text(), expected);
    assert.equal(sc.textBytes().toString('utf8'), Buffer.from(expected as string).toString('utf8'));
  } else if (kind === 'number') {
    assert.equal(sc.readNumber(), expected);
  } else {
    const start = sc.skipValue();
    assert.deepEqual(JSON.parse(sc.buf.toString('utf8', start, sc.pos)), expected);
  }
}

describe('JsonScanner fuzz (seeded)', () => {
  it('accepts generated documents and returns spans that parse to the same values', () => {
    const rand = seededRandom(0x5eed);
    for (let i = 0; i < 5000; i++) {
      const text = randomJson(rand);
      const bytes = Buffer.from(text);
      assert.ok(new JsonScanner(bytes).validate(), text);
      const sc = new JsonScanner(bytes);
      walk(sc, JSON.parse(text));
      sc.finish();
    }
  });

  it('gives the same verdict as JSON.parse on mutated documents, and only catalogue errors', () => {
    const rand = seededRandom(0xbadc0de);
    let rejected = 0;
    for (let i = 0; i < 30000; i++) {
      let bytes: Buffer = Buffer.from(randomJson(rand));
      const rounds = 1 + Math.floor(rand() * 3);
      for (let r = 0; r < rounds; r++) bytes = mutate(rand, bytes);
      const expected = engineAccepts(bytes);
      const verdict = new JsonScanner(bytes).validate();
      // Invalid UTF-8 can never be JSON: the scanner must reject it wherever it sits.
      assert.equal(
        verdict,
        expected === true,
        `${JSON.stringify(bytes.toString('latin1'))}: engine ${expected}`,
      );
      if (!verdict) rejected++;
      try {
        const sc = new JsonScanner(bytes);
        sc.skipValue();
        sc.finish();
        assert.ok(verdict);
      } catch (err) {
        assert.ok(isSwitchyardError(err, 'SY_ERR_REQUEST_MALFORMED_JSON'), String(err));
        assert.ok(!verdict);
      }
    }
    assert.ok(rejected > 10000, `only ${rejected} mutations were invalid`);
  });

  it('agrees with JSON.parse on random bytes from the JSON alphabet', () => {
    const rand = seededRandom(42);
    const alphabet = Buffer.from('{}[]",:0123456789-+.eEtrufalsn \\/u\n\t');
    for (let i = 0; i < 20000; i++) {
      const len = 1 + Math.floor(rand() * 10);
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = alphabet[Math.floor(rand() * alphabet.length)]!;
      assert.equal(new JsonScanner(bytes).validate(), engineAccepts(bytes) === true, bytes.toString());
    }
  });
});
