import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError, type SwitchyardError } from '@switchyard/protocol';
import { prng as seededRandom } from '../../testing/seeded-random.ts';
import { parseBinaryCloudEvent, type RequestHeaders } from './binary-cloud-event.ts';
import { parseCloudEvent } from './cloud-event-body.ts';
import type { BodyLimits } from './parsed-record.ts';
import { randomJson } from './random-json.ts';

const LIMITS: BodyLimits = { maxEventBytes: 1024, maxBatchEvents: 10 };
const CE: RequestHeaders = {
  'ce-specversion': '1.0',
  'ce-id': '1',
  'ce-source': '/orders',
  'ce-type': 'OrderPlaced',
};

function failure(headers: RequestHeaders, body = ''): SwitchyardError {
  try {
    parseBinaryCloudEvent(headers, Buffer.from(body), LIMITS);
  } catch (err) {
    assert.ok(isSwitchyardError(err), String(err));
    return err;
  }
  assert.fail('accepted');
}

function event(headers: RequestHeaders, body: string | Buffer) {
  const [r, ...rest] = parseBinaryCloudEvent(headers, Buffer.from(body), LIMITS);
  assert.equal(rest.length, 0);
  return { record: r!, json: JSON.parse(r!.value.toString()) as Record<string, unknown> };
}

describe('parseBinaryCloudEvent', () => {
  it('embeds a JSON body as data, byte for byte, and stores a structured event', () => {
    const { record, json } = event(
      { ...CE, 'content-type': 'application/json; charset=utf-8' },
      '{ "total" : 1.50 }',
    );
    assert.ok(record.value.toString().endsWith(',"data":{ "total" : 1.50 }}'));
    assert.deepEqual(json, {
      specversion: '1.0',
      id: '1',
      source: '/orders',
      type: 'OrderPlaced',
      datacontenttype: 'application/json; charset=utf-8',
      data: { total: 1.5 },
    });
    assert.equal(record.headers![0]!.key, 'content-type');
    // The stored form is itself a valid structured event.
    assert.equal(parseCloudEvent(record.value, LIMITS).length, 1);
  });

  it('keeps the stored event within the default nesting limit', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    assert.ok('data' in event({ ...CE, 'content-type': 'application/json' }, deep(127)).json);
    assert.ok('data_base64' in event({ ...CE, 'content-type': 'application/json' }, deep(128)).json);
  });

  it('treats any +json media type as JSON', () => {
    assert.deepEqual(event({ ...CE, 'content-type': 'application/vnd.order+JSON' }, '[1]').json.data, [1]);
  });

  it('uses data_base64 for non-JSON content and for a JSON content type with an invalid body', () => {
    assert.equal(event({ ...CE, 'content-type': 'text/plain' }, 'hi').json.data_base64, 'aGk=');
    assert.equal(event({ ...CE, 'content-type': 'application/json' }, '{bad').json.data_base64, 'e2JhZA==');
    assert.equal(event(CE, Buffer.from([0xff, 0x00])).json.data_base64, '/wA=');
    assert.equal('data' in event(CE, '').json, false);
  });

  it('maps other ce- headers to attributes, partitionkey to the key and time to the timestamp', () => {
    const { record, json } = event(
      {
        ...CE,
        'CE-Subject': 'order 7',
        'ce-partitionkey': 'cust-7',
        'ce-time': '2024-05-01T12:00:00Z',
        'x-other': 'y',
      },
      '',
    );
    assert.equal(json.subject, 'order 7');
    assert.equal(json.partitionkey, 'cust-7');
    assert.equal('x-other' in json, false);
    assert.equal(record.key!.toString(), 'cust-7');
    assert.equal(record.timestamp, Date.parse('2024-05-01T12:00:00Z'));
  });

  it('percent-decodes header values as UTF-8', () => {
    const { json } = event({ ...CE, 'ce-subject': 'caf%C3%A9 %22x%22 100%' }, '');
    assert.equal(json.subject, 'café "x" 100%');
    const err = failure({ ...CE, 'ce-subject': 'bad %FF' });
    assert.match(err.message, /header 'ce-subject' is not UTF-8 text after percent-decoding/);
  });

  it('rejects missing, empty or wrong required attributes with index 0', () => {
    const { 'ce-id': _id, ...noId } = CE;
    const cases: [RequestHeaders, RegExp][] = [
      [noId, /it has no 'ce-id' header \(a required attribute\)/],
      [{ ...CE, 'ce-specversion': '0.3' }, /'ce-specversion' must be 1.0, found "0.3"/],
      [{ ...CE, 'ce-source': '' }, /'ce-source' must not be empty/],
      [{ ...CE, 'ce-time': 'now' }, /'time' must be an RFC 3339 date-time/],
      [
        { ...CE, 'ce-Trace_Id': 'x' },
        /header 'ce-trace_id': attribute names are lowercase letters a-z and digits only/,
      ],
      [{ ...CE, 'ce-data': 'x' }, /in binary mode the data is the request body/],
      [{ ...CE, 'ce-datacontenttype': 'x' }, /datacontenttype is the Content-Type header/],
      [{ ...CE, 'ce-subject': ['a', 'b'] }, /header 'ce-subject' appears 2 times; send it once/],
    ];
    for (const [headers, re] of cases) {
      const err = failure(headers);
      assert.deepEqual([err.code, err.details.index], ['SY_ERR_EVENT_INVALID', 0]);
      assert.match(err.message, re);
    }
  });

  it('limits the size of the stored event', () => {
    const err = failure(CE, 'x'.repeat(1024));
    assert.equal(err.code, 'SY_ERR_EVENT_TOO_LARGE');
    assert.equal(err.details.limit, 1024);
  });

  it('always stores an event the structured parser accepts, or throws a catalogue error (seeded fuzz)', () => {
    const rand = seededRandom(0xb1);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    let stored = 0;
    for (let i = 0; i < 3000; i++) {
      const headers: RequestHeaders = { ...CE };
      if (rand() < 0.1) headers['ce-id'] = pick(['', '%', '%zz', '%E2%82%AC', 'a%20b']);
      if (rand() < 0.3)
        headers['content-type'] = pick(['application/json', 'text/plain', 'application/x+json; a=b', '']);
      if (rand() < 0.2)
        headers[pick(['ce-subject', 'ce-ext1', 'ce-Bad_Name', 'ce-time'])] = pick([
          'x',
          '%C3%A9',
          '2024-05-01T00:00:00Z',
          '%FF',
        ]);
      const body =
        rand() < 0.5
          ? Buffer.from(randomJson(rand))
          : Buffer.from(Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * 256)));
      try {
        const [r] = parseBinaryCloudEvent(headers, body, LIMITS);
        const [again] = parseCloudEvent(r!.value, LIMITS);
        assert.deepEqual([again!.key, again!.timestamp], [r!.key, r!.timestamp]);
        stored++;
      } catch (err) {
        assert.ok(isSwitchyardError(err), String(err));
      }
    }
    assert.ok(stored > 2000, `only ${stored} stored`);
  });
});
