import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError, type SwitchyardError } from '@switchyard/protocol';
import { parseCloudEvent, parseCloudEventBatch } from './cloud-event-body.ts';
import type { BodyLimits } from './parsed-record.ts';

const LIMITS: BodyLimits = { maxEventBytes: 1024, maxBatchEvents: 10 };
const BASE = '"specversion":"1.0","id":"1","source":"/orders","type":"OrderPlaced"';

function failure(fn: () => unknown): SwitchyardError {
  try {
    fn();
  } catch (err) {
    assert.ok(isSwitchyardError(err), String(err));
    return err;
  }
  assert.fail('accepted');
}

const one = (event: string, limits = LIMITS) => parseCloudEvent(Buffer.from(event), limits);
const batch = (body: string, limits = LIMITS) => parseCloudEventBatch(Buffer.from(body), limits);

describe('parseCloudEvent (structured mode)', () => {
  it('stores the exact event bytes with the CloudEvents content type', () => {
    const body = Buffer.from(` {${BASE},"data":{"total": 12.5}} `);
    const [r, ...rest] = parseCloudEvent(body, LIMITS);
    assert.equal(rest.length, 0);
    assert.equal(r!.value.toString(), `{${BASE},"data":{"total": 12.5}}`);
    assert.equal(r!.value.buffer, body.buffer);
    assert.equal(r!.key, null);
    assert.equal(r!.timestamp, undefined);
    assert.equal(r!.partition, undefined);
    assert.deepEqual(
      r!.headers!.map((h) => [h.key, Buffer.from(h.value!).toString()]),
      [['content-type', 'application/cloudevents+json']],
    );
  });

  it('takes the key from partitionkey and the timestamp from time', () => {
    const [r] = one(`{${BASE},"partitionkey":"cust-7","time":"2024-05-01T12:00:00.250+02:00"}`);
    assert.equal(r!.key!.toString(), 'cust-7');
    assert.equal(r!.timestamp, Date.parse('2024-05-01T10:00:00.250Z'));
  });

  it('accepts optional attributes, extensions of scalar types, data_base64 and null as absent', () => {
    const event = `{${BASE},"subject":"s","datacontenttype":"text/plain","dataschema":"urn:x","traceparent":"00-ab","count":3,"flag":true,"nothing":null,"time":null,"data_base64":"aGk="}`;
    assert.equal(one(event).length, 1);
  });

  it('rejects missing or empty required attributes and a wrong specversion', () => {
    const cases: [string, RegExp][] = [
      ['"id":"1","source":"/s","type":"t"', /it has no 'specversion' \(a required attribute\)/],
      ['"specversion":"1.0","source":"/s","type":"t"', /it has no 'id'/],
      ['"specversion":"1.0","id":"1","type":"t"', /it has no 'source'/],
      ['"specversion":"1.0","id":"1","source":"/s"', /it has no 'type'/],
      ['"specversion":"1.0","id":null,"source":"/s","type":"t"', /it has no 'id'/],
      ['"specversion":"0.3","id":"1","source":"/s","type":"t"', /'specversion' must be "1.0", found "0.3"/],
      ['"specversion":"1.0","id":"","source":"/s","type":"t"', /'id' must not be empty/],
      ['"specversion":"1.0","id":"1","source":"","type":"t"', /'source' must not be empty/],
      ['"specversion":"1.0","id":"1","source":"/s","type":""', /'type' must not be empty/],
      ['"specversion":"1.0","id":1,"source":"/s","type":"t"', /'id' must be a string, found a number/],
    ];
    for (const [attrs, re] of cases) {
      const err = failure(() => one(`{${attrs}}`));
      assert.deepEqual([err.code, err.details.index], ['SY_ERR_EVENT_INVALID', 0], attrs);
      assert.match(err.message, re);
    }
  });

  it('rejects bad optional attributes, names and data', () => {
    const cases: [string, RegExp][] = [
      [
        '"time":"yesterday"',
        /'time' must be an RFC 3339 date-time like 2024-05-01T12:00:00Z, found "yesterday"/,
      ],
      ['"time":"2024-02-30T00:00:00Z"', /'time' must be an RFC 3339/],
      ['"time":"1969-12-31T23:59:59Z"', /'time' before 1970/],
      ['"subject":5', /'subject' must be a string, found a number/],
      ['"datacontenttype":{}', /'datacontenttype' must be a string, found an object/],
      ['"dataschema":""', /'dataschema' must not be empty/],
      ['"Trace":"x"', /attribute name "Trace" must be lowercase letters a-z and digits only/],
      ['"trace-id":"x"', /attribute name "trace-id"/],
      ['"":"x"', /attribute name ""/],
      ['"ext":[1]', /extension attribute 'ext' must be a string, number or boolean, found an array/],
      ['"data":1,"data_base64":"aGk="', /'data' and 'data_base64' cannot both be present/],
      ['"data_base64":"not base64!"', /'data_base64' must be padded base64/],
      ['"data_base64":"aGk"', /padded base64/],
      ['"partitionkey":7', /'partitionkey' must be a string, found a number/],
      ['"type":"again"', /attribute 'type' appears twice/],
    ];
    for (const [attrs, re] of cases) {
      const err = failure(() => one(`{${BASE},${attrs}}`));
      assert.deepEqual([err.code, err.details.index], ['SY_ERR_EVENT_INVALID', 0], attrs);
      assert.match(err.message, re, attrs);
    }
    assert.match(failure(() => one('[]')).message, /a CloudEvent must be an object, found an array/);
  });

  it('reads attribute names and values written with escapes', () => {
    const [r] = one(`{${BASE},"\\u0070artitionkey":"\\u00e9","time":"2024-05-01T12:00:00\\u005a"}`);
    assert.equal(r!.key!.toString(), 'é');
    assert.equal(r!.timestamp, Date.parse('2024-05-01T12:00:00Z'));
  });

  it('rejects malformed JSON before an invalid event, and trailing data', () => {
    assert.equal(failure(() => one(`{"specversion":"2.0"} x`)).code, 'SY_ERR_REQUEST_MALFORMED_JSON');
    assert.equal(failure(() => one(`{${BASE},"data":[1,]}`)).code, 'SY_ERR_REQUEST_MALFORMED_JSON');
  });

  it('limits the event size to the event bytes', () => {
    const event = `{${BASE}}`;
    assert.equal(one(event, { maxEventBytes: event.length, maxBatchEvents: 1 }).length, 1);
    const err = failure(() => one(event, { maxEventBytes: event.length - 1, maxBatchEvents: 1 }));
    assert.deepEqual(
      [err.code, err.details],
      ['SY_ERR_EVENT_TOO_LARGE', { index: 0, size: event.length, limit: event.length - 1 }],
    );
  });
});

describe('parseCloudEventBatch', () => {
  it('parses an array of events, each stored as its own bytes', () => {
    const records = batch(`[{${BASE}}, {${BASE.replace('"id":"1"', '"id":"2"')}} ]`);
    assert.deepEqual(
      records.map((r) => JSON.parse(r.value.toString()).id),
      ['1', '2'],
    );
  });

  it('rejects a body that is not an array, an empty batch and an oversized one', () => {
    const notArray = failure(() => batch(`{${BASE}}`));
    assert.equal(notArray.code, 'SY_ERR_REQUEST_INVALID');
    assert.match(notArray.message, /a CloudEvents batch must be an array of events, found an object/);
    assert.equal(failure(() => batch('[ ]')).code, 'SY_ERR_BATCH_EMPTY');
    const big = failure(() => batch(`[${Array.from({ length: 12 }, () => `{${BASE}}`).join(',')}]`));
    assert.deepEqual([big.code, big.details], ['SY_ERR_BATCH_TOO_LARGE', { count: 12, limit: 10 }]);
  });

  it('rejects the whole batch for one bad event, naming its index', () => {
    const err = failure(() => batch(`[{${BASE}},{${BASE}},{"specversion":"1.0"}]`));
    assert.deepEqual([err.code, err.details.index], ['SY_ERR_EVENT_INVALID', 2]);
    const size = failure(() => batch(`[{${BASE}},{${BASE},"data":"${'x'.repeat(1100)}"}]`));
    assert.deepEqual([size.code, size.details.index], ['SY_ERR_EVENT_TOO_LARGE', 1]);
  });

  it('prefers a syntax error or an oversized batch over a bad event', () => {
    assert.equal(
      failure(() => batch(`[{"specversion":"1.0"},{${BASE}} , ]`)).code,
      'SY_ERR_REQUEST_MALFORMED_JSON',
    );
    const events = [`{"id":"x"}`, ...Array.from({ length: 11 }, () => `{${BASE}}`)];
    assert.equal(failure(() => batch(`[${events.join(',')}]`)).code, 'SY_ERR_BATCH_TOO_LARGE');
  });
});
