import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { prng as seededRandom } from '../../testing/seeded-random.ts';
import { parseCloudEventBatch } from './cloud-event-body.ts';
import { parseJsonProduce } from './json-produce.ts';
import type { BodyLimits, ParsedRecord } from './parsed-record.ts';
import { mutate, randomJson } from './random-json.ts';
import { parseRfc3339 } from './rfc3339.ts';

// Sizes are checked by the unit tests: a reference built on JSON.parse cannot see the bytes of a span.
const LIMITS: BodyLimits = { maxEventBytes: Number.MAX_SAFE_INTEGER, maxBatchEvents: 4 };
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A comparable outcome: an error code (+ index) or the records in plain form. */
type Outcome = { code: string; index?: unknown } | { records: unknown[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const utf8 = (s: string) => Buffer.from(s).toString('utf8');
const zero = (n: unknown) => (typeof n === 'number' ? n + 0 : n);

function parseOrCode(body: Buffer): { doc: unknown } | { code: string } {
  try {
    return { doc: JSON.parse(strictUtf8.decode(body)) };
  } catch {
    return { code: 'SY_ERR_REQUEST_MALFORMED_JSON' };
  }
}

/** The JSON produce rules, written the obvious way on JSON.parse. */
function referenceProduce(body: Buffer): Outcome {
  const parsed = parseOrCode(body);
  if ('code' in parsed) return parsed;
  const doc = parsed.doc;
  if (!isObject(doc) || Object.keys(doc).some((k) => k !== 'records') || !Array.isArray(doc.records)) {
    return { code: 'SY_ERR_REQUEST_INVALID' };
  }
  if (doc.records.length === 0) return { code: 'SY_ERR_BATCH_EMPTY' };
  if (doc.records.length > LIMITS.maxBatchEvents) return { code: 'SY_ERR_BATCH_TOO_LARGE' };
  const records: unknown[] = [];
  for (const [index, r] of doc.records.entries()) {
    const bad = { code: 'SY_ERR_EVENT_INVALID', index };
    if (!isObject(r) || !('value' in r)) return bad;
    if (Object.keys(r).some((k) => !['key', 'value', 'headers', 'partition', 'timestamp'].includes(k)))
      return bad;
    if (r.key !== undefined && r.key !== null && typeof r.key !== 'string') return bad;
    if (r.partition !== undefined && !isInt(r.partition, 2147483647)) return bad;
    if (r.timestamp !== undefined && !isInt(r.timestamp, Number.MAX_SAFE_INTEGER)) return bad;
    const h = r.headers;
    if (
      h !== undefined &&
      h !== null &&
      (!isObject(h) || Object.values(h).some((v) => v !== null && typeof v !== 'string'))
    ) {
      return bad;
    }
    const headers =
      isObject(h) && Object.keys(h).length > 0
        ? Object.entries(h).map(([k, v]) => [k, v === null ? null : utf8(v as string)])
        : null;
    records.push({
      key: typeof r.key === 'string' ? utf8(r.key) : null,
      value: r.value,
      headers,
      partition: zero(r.partition),
      timestamp: zero(r.timestamp),
    });
  }
  return { records };
}

const CE_STRING_ATTRS = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
  'data_base64',
  'partitionkey',
];

/** The CloudEvents batch rules, written the obvious way on JSON.parse. */
function referenceCloudEvents(body: Buffer): Outcome {
  const parsed = parseOrCode(body);
  if ('code' in parsed) return parsed;
  const doc = parsed.doc;
  if (!Array.isArray(doc)) return { code: 'SY_ERR_REQUEST_INVALID' };
  if (doc.length === 0) return { code: 'SY_ERR_BATCH_EMPTY' };
  if (doc.length > LIMITS.maxBatchEvents) return { code: 'SY_ERR_BATCH_TOO_LARGE' };
  const records: unknown[] = [];
  for (const [index, e] of doc.entries()) {
    const bad = { code: 'SY_ERR_EVENT_INVALID', index };
    if (!isObject(e)) return bad;
    for (const [name, v] of Object.entries(e)) {
      if (name === 'data') continue;
      if (CE_STRING_ATTRS.includes(name)) {
        if (v !== null && typeof v !== 'string') return bad;
      } else if (!/^[a-z0-9]+$/.test(name) || (typeof v === 'object' && v !== null)) return bad;
    }
    if (e.specversion !== '1.0') return bad;
    if (['id', 'source', 'type'].some((a) => typeof e[a] !== 'string' || e[a] === '') || e.dataschema === '')
      return bad;
    const b64 = e.data_base64;
    if (
      typeof b64 === 'string' &&
      !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)
    )
      return bad;
    if (e.data !== undefined && e.data !== null && typeof b64 === 'string') return bad;
    let timestamp: number | undefined;
    if (typeof e.time === 'string') {
      timestamp = parseRfc3339(e.time);
      if (!(timestamp >= 0)) return bad;
    }
    const key = typeof e.partitionkey === 'string' ? utf8(e.partitionkey) : null;
    records.push({
      key,
      value: e,
      headers: [['content-type', 'application/cloudevents+json']],
      partition: undefined,
      timestamp,
    });
  }
  return { records };
}

function actual(parse: (body: Buffer, limits: BodyLimits) => ParsedRecord[], body: Buffer): Outcome {
  try {
    const records = parse(body, LIMITS);
    for (const r of records) assert.equal(r.value.buffer, body.buffer, 'values are views into the body');
    return {
      records: records.map((r) => ({
        key: r.key === null ? null : r.key.toString('utf8'),
        value: JSON.parse(r.value.toString('utf8')),
        headers:
          r.headers === null
            ? null
            : r.headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString('utf8')]),
        partition: r.partition,
        timestamp: r.timestamp,
      })),
    };
  } catch (err) {
    assert.ok(isSwitchyardError(err), `not a catalogue error: ${String(err)}`);
    return err.code === 'SY_ERR_EVENT_INVALID'
      ? { code: err.code, index: err.details.index }
      : { code: err.code };
  }
}

function randomRecord(rand: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const members: string[] = [];
  if (rand() < 0.95) members.push(`"value":${randomJson(rand)}`);
  if (rand() < 0.5) members.push(`"key":${pick(['"k"', 'null', '"\\u00e9"', '""', '1', '"😀"'])}`);
  if (rand() < 0.3) members.push(`"partition":${pick(['0', '3', '-1', '1.5', '2147483648', '"1"', '1e1'])}`);
  if (rand() < 0.3) members.push(`"timestamp":${pick(['1700000000000', '0', '-0', '-1', '1.5', 'null'])}`);
  if (rand() < 0.3)
    members.push(`"headers":${pick(['{}', 'null', '{"a":"b"}', '{"a":null,"b":"\\n"}', '{"a":1}', '[]'])}`);
  if (rand() < 0.03) members.push('"other":1');
  for (let i = members.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [members[i], members[j]] = [members[j]!, members[i]!];
  }
  return rand() < 0.02 ? randomJson(rand) : `{${members.join(',')}}`;
}

function randomEvent(rand: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const attrs: string[] = [];
  // Mostly valid events, each with a small chance of one wrong attribute.
  const odd = <T>(good: T, bad: readonly T[]): T => (rand() < 0.04 ? pick(bad) : good);
  if (rand() < 0.99) attrs.push(`"specversion":${odd('"1.0"', ['"0.3"', 'null'])}`);
  if (rand() < 0.99) attrs.push(`"id":${odd(pick(['"1"', '"abc-9"']), ['""', '7'])}`);
  if (rand() < 0.99) attrs.push(`"source":${odd(pick(['"/s"', '"urn:x"']), ['""'])}`);
  if (rand() < 0.99) attrs.push(`"type":${odd(pick(['"t"', '"com.example.order"']), ['null', '""'])}`);
  if (rand() < 0.3)
    attrs.push(
      `"time":${odd(pick(['"2024-05-01T12:00:00Z"', '"2024-05-01T12:00:00.5+01:00"', 'null']), ['"1969-01-01T00:00:00Z"', '"x"'])}`,
    );
  if (rand() < 0.3) attrs.push(`"subject":${odd(pick(['"s"', 'null']), ['1'])}`);
  if (rand() < 0.3) attrs.push(`"partitionkey":${odd(pick(['"p"', '"\\u00e9"']), ['true'])}`);
  const data = rand() < 0.5;
  if (data) attrs.push(`"data":${randomJson(rand)}`);
  if (rand() < (data ? 0.03 : 0.3))
    attrs.push(`"data_base64":${odd(pick(['"aGk="', '""', 'null']), ['"aGk"', '"!!!!"'])}`);
  if (rand() < 0.2)
    attrs.push(
      `${odd(pick(['"ext1"', '"traceparent"']), ['"Ext"', '"a_b"'])}:${odd(pick(['"v"', '1', 'true', 'null']), ['{}', '[]'])}`,
    );
  return rand() < 0.02 ? randomJson(rand) : `{${attrs.join(',')}}`;
}

function fuzz(
  seed: number,
  makeBody: (rand: () => number) => string,
  parse: (body: Buffer, limits: BodyLimits) => ParsedRecord[],
  reference: (body: Buffer) => Outcome,
): Record<string, number> {
  const rand = seededRandom(seed);
  const seen: Record<string, number> = {};
  for (let i = 0; i < 6000; i++) {
    let body: Buffer = Buffer.from(makeBody(rand));
    if (rand() < 0.4) body = mutate(rand, body);
    const want = reference(body);
    const got = actual(parse, body);
    assert.deepEqual(got, want, body.toString('latin1'));
    const label = 'code' in want ? want.code : 'ok';
    seen[label] = (seen[label] ?? 0) + 1;
  }
  return seen;
}

describe('body parsers agree with a JSON.parse reference (seeded fuzz)', () => {
  it('parseJsonProduce', () => {
    const makeBody = (rand: () => number) => {
      const n = Math.floor(rand() * 6);
      const records = Array.from({ length: n }, () => randomRecord(rand));
      return rand() < 0.03 ? `[${records.join(',')}]` : `{"records":[${records.join(',')}]}`;
    };
    const seen = fuzz(0xfeed, makeBody, parseJsonProduce, referenceProduce);
    for (const label of [
      'ok',
      'SY_ERR_EVENT_INVALID',
      'SY_ERR_REQUEST_MALFORMED_JSON',
      'SY_ERR_BATCH_EMPTY',
      'SY_ERR_BATCH_TOO_LARGE',
    ]) {
      assert.ok((seen[label] ?? 0) > 50, `${label}: ${JSON.stringify(seen)}`);
    }
  });

  it('parseCloudEventBatch', () => {
    const makeBody = (rand: () => number) =>
      `[${Array.from({ length: Math.floor(rand() * 6) }, () => randomEvent(rand)).join(',')}]`;
    const seen = fuzz(0xce, makeBody, parseCloudEventBatch, referenceCloudEvents);
    for (const label of [
      'ok',
      'SY_ERR_EVENT_INVALID',
      'SY_ERR_REQUEST_MALFORMED_JSON',
      'SY_ERR_BATCH_EMPTY',
      'SY_ERR_BATCH_TOO_LARGE',
    ]) {
      assert.ok((seen[label] ?? 0) > 50, `${label}: ${JSON.stringify(seen)}`);
    }
  });
});
