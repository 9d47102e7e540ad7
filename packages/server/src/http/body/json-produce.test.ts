import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError, type SwitchyardError } from '@switchyard/protocol';
import { parseJsonProduce } from './json-produce.ts';
import type { BodyLimits } from './parsed-record.ts';

const LIMITS: BodyLimits = { maxEventBytes: 1024, maxBatchEvents: 10 };

function parse(body: string | Buffer, limits = LIMITS) {
  return parseJsonProduce(typeof body === 'string' ? Buffer.from(body) : body, limits);
}

function failure(body: string | Buffer, limits = LIMITS): SwitchyardError {
  try {
    parse(body, limits);
  } catch (err) {
    assert.ok(isSwitchyardError(err), String(err));
    return err;
  }
  assert.fail('accepted');
}

describe('parseJsonProduce', () => {
  it('keeps each value as the exact bytes sent, as a view into the body', () => {
    const body = Buffer.from(
      '{"records":[{"key":"k1","value":{ "a" : [1, 2.50] },"headers":{"h":"v","n":null},"partition":3,"timestamp":1700000000000},{"value":null}]}',
    );
    const [a, b, ...rest] = parseJsonProduce(body, LIMITS);
    assert.equal(rest.length, 0);
    assert.equal(a!.value.toString(), '{ "a" : [1, 2.50] }');
    assert.equal(a!.value.buffer, body.buffer);
    assert.equal(a!.key!.toString(), 'k1');
    assert.equal(a!.key!.buffer, body.buffer);
    assert.deepEqual(
      a!.headers!.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()]),
      [
        ['h', 'v'],
        ['n', null],
      ],
    );
    assert.equal(a!.partition, 3);
    assert.equal(a!.timestamp, 1700000000000);
    assert.deepEqual(b, {
      key: null,
      value: Buffer.from('null'),
      headers: null,
      partition: undefined,
      timestamp: undefined,
    });
  });

  it('decodes escaped keys and header values into UTF-8 bytes', () => {
    const [r] = parse('{"records":[{"key":"\\u00e9\\n","value":1,"headers":{"\\u0068":"\\u20ac"}}]}');
    assert.equal(r!.key!.toString(), 'é\n');
    assert.equal(r!.headers![0]!.key, 'h');
    assert.equal(Buffer.from(r!.headers![0]!.value!).toString(), '€');
  });

  it('accepts whitespace everywhere JSON allows it, and null key and headers', () => {
    const [r] = parse(' \n{ "records" : [ { "value" : "x" , "key" : null , "headers" : null } ] } \r\n');
    assert.equal(r!.value.toString(), '"x"');
    assert.equal(r!.key, null);
    assert.equal(r!.headers, null);
  });

  it('rejects malformed JSON anywhere with the byte position', () => {
    const err = failure('{"records":[{"value":1},{"value":01}]}');
    assert.equal(err.code, 'SY_ERR_REQUEST_MALFORMED_JSON');
    assert.match(String(err.details.reason), /^at byte 34: expected/);
    assert.equal(err.details.position, 34);
    assert.equal(failure('{"records":[{"value":1}]} x').code, 'SY_ERR_REQUEST_MALFORMED_JSON');
    assert.equal(failure('').code, 'SY_ERR_REQUEST_MALFORMED_JSON');
  });

  it('reports syntax errors before shape errors before event errors, wherever they sit', () => {
    assert.equal(
      failure('{"records":[{"key":1,"value":1}], "x": 1, }').code,
      'SY_ERR_REQUEST_MALFORMED_JSON',
    );
    const shape = failure('{"records":[{"key":1,"value":1}], "extra": 1}');
    assert.equal(shape.code, 'SY_ERR_REQUEST_INVALID');
    assert.match(shape.message, /unknown member 'extra' in the body/);
    const many = failure(`{"records":[{"key":1,"value":1}${',{"value":1}'.repeat(11)}]}`);
    assert.deepEqual([many.code, many.details], ['SY_ERR_BATCH_TOO_LARGE', { count: 12, limit: 10 }]);
  });

  it('rejects bodies of the wrong shape', () => {
    for (const [body, re] of [
      ['[]', /the body must be an object \{"records": \[\.\.\.\]\}, found an array/],
      ['{}', /the body has no 'records' array/],
      ['{"records":{}}', /'records' must be an array, found an object/],
      ['{"records":[],"records":[]}', /'records' appears twice/],
    ] as const) {
      const err = failure(body);
      assert.equal(err.code, 'SY_ERR_REQUEST_INVALID', body);
      assert.match(err.message, re);
    }
    assert.equal(failure('{"records":[]}').code, 'SY_ERR_BATCH_EMPTY');
  });

  it('counts every record of an oversized batch', () => {
    const body = `{"records":[${Array.from({ length: 25 }, () => '{"value":1}').join(',')}]}`;
    const err = failure(body);
    assert.deepEqual([err.code, err.details], ['SY_ERR_BATCH_TOO_LARGE', { count: 25, limit: 10 }]);
    assert.equal(parse(body, { maxEventBytes: 10, maxBatchEvents: 25 }).length, 25);
  });

  it('rejects invalid records with their index and a reason naming the member', () => {
    const cases: [string, RegExp][] = [
      ['1', /a record must be an object, found a number/],
      ['{"key":"k"}', /it has no 'value' \(send null for an empty value\)/],
      [
        '{"value":1,"colour":"red"}',
        /unknown member 'colour'; a record has only key, value, headers, partition and timestamp/,
      ],
      ['{"value":1,"value":2}', /member 'value' appears twice/],
      ['{"value":1,"key":5}', /'key' must be a string or null, found a number/],
      ['{"value":1,"partition":-1}', /'partition' must be an integer from 0 to 2147483647, found -1/],
      ['{"value":1,"partition":1.5}', /found 1\.5/],
      ['{"value":1,"partition":"0"}', /'partition' must be a non-negative integer, found a string/],
      ['{"value":1,"partition":2147483648}', /from 0 to 2147483647/],
      ['{"value":1,"timestamp":-5}', /'timestamp' must be an integer from 0 to 9007199254740991, found -5/],
      ['{"value":1,"timestamp":1e300}', /'timestamp'/],
      ['{"value":1,"headers":[]}', /'headers' must be an object of string values, found an array/],
      ['{"value":1,"headers":{"h":1}}', /header 'h' must be a string or null, found a number/],
      ['{"value":1,"headers":{"h":"a","h":"b"}}', /header 'h' appears twice/],
    ];
    for (const [record, re] of cases) {
      const err = failure(`{"records":[{"value":0},${record}]}`);
      assert.equal(err.code, 'SY_ERR_EVENT_INVALID', record);
      assert.equal(err.details.index, 1, record);
      assert.match(err.message, re);
    }
  });

  it('accepts integral partitions and timestamps in any JSON number form', () => {
    const [r] = parse('{"records":[{"value":1,"partition":-0,"timestamp":1.7e12}]}');
    assert.ok(Object.is(r!.partition, 0));
    assert.equal(r!.timestamp, 1.7e12);
  });

  it('limits event size: value + key + header names and values', () => {
    const limits = { maxEventBytes: 12, maxBatchEvents: 10 };
    assert.equal(parse('{"records":[{"key":"kk","value":"12","headers":{"h":"vvvvv"}}]}', limits).length, 1);
    const err = failure(
      '{"records":[{"value":1},{"key":"kk","value":"12","headers":{"h":"vvvvvv"}}]}',
      limits,
    );
    assert.deepEqual([err.code, err.details], ['SY_ERR_EVENT_TOO_LARGE', { index: 1, size: 13, limit: 12 }]);
  });
});
