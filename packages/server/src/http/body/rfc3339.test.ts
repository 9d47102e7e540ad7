import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRfc3339 } from './rfc3339.ts';

describe('parseRfc3339', () => {
  it('reads date-times with fractions and offsets as Date.parse does', () => {
    for (const text of [
      '2024-05-01T12:00:00Z',
      '2024-05-01T12:00:00.1Z',
      '2024-05-01T12:00:00.123456789Z',
      '2024-02-29T23:59:59+02:00',
      '2000-01-01T00:00:00-11:30',
      '1970-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      assert.equal(parseRfc3339(text), Date.parse(text), text);
    }
    assert.equal(parseRfc3339('2024-05-01t12:00:00z'), Date.parse('2024-05-01T12:00:00Z'));
    assert.equal(parseRfc3339('0001-01-01T00:00:00Z'), Date.UTC(2001, 0, 1) - 2000 * 365.2425 * 86400000);
  });

  it('accepts a leap second as the next instant', () => {
    assert.equal(parseRfc3339('2016-12-31T23:59:60Z'), Date.parse('2017-01-01T00:00:00Z'));
  });

  it('rejects anything that is not an RFC 3339 date-time', () => {
    for (const text of [
      '',
      '2024-05-01',
      '2024-05-01T12:00:00',
      '2024-05-01 12:00:00Z',
      '2024-5-01T12:00:00Z',
      '2024-13-01T12:00:00Z',
      '2023-02-29T12:00:00Z',
      '2024-04-31T12:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60:00Z',
      '2024-05-01T12:00:00.Z',
      '2024-05-01T12:00:00+0200',
      '2024-05-01T12:00:00+02:00x',
      '2024-05-01T12:00:00Z ',
      '２024-05-01T12:00:00Z',
    ]) {
      assert.ok(Number.isNaN(parseRfc3339(text)), text);
    }
  });
});
