/**
 * `application/json` produce bodies: `{"records":[{"key","value","headers","partition","timestamp"}]}`.
 * One validating pass over the bytes; each value is kept as the exact span sent, never re-serialized.
 */
import { syError } from '@switchyard/protocol';
import { JsonScanner } from './json-scanner.ts';
import {
  ascii,
  type BodyLimits,
  eventInvalid,
  eventTooLarge,
  kindText,
  type ParsedHeader,
  type ParsedRecord,
  requestInvalid,
} from './parsed-record.ts';
import { settleError } from './settle-error.ts';

const N_RECORDS = ascii('records');
const N_KEY = ascii('key');
const N_VALUE = ascii('value');
const N_HEADERS = ascii('headers');
const N_PARTITION = ascii('partition');
const N_TIMESTAMP = ascii('timestamp');
const MAX_PARTITION = 2147483647;

/** Parses a JSON produce body; rejects the whole body on any bad event. */
export function parseJsonProduce(body: Buffer, limits: BodyLimits): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  try {
    walkProduce(new JsonScanner(body), limits, records);
  } catch (err) {
    throw settleError(body, err, () => walkProduce(new JsonScanner(body), limits, null));
  }
  return records;
}

/** Walks the body; parses records into `out`, or only validates and counts them when `out` is null. */
function walkProduce(sc: JsonScanner, limits: BodyLimits, out: ParsedRecord[] | null): void {
  const kind = sc.peek();
  if (kind !== 'object')
    throw requestInvalid(`the body must be an object {"records": [...]}, found ${kindText(kind)}`);
  sc.enterObject();
  let count = -1;
  while (sc.nextMember()) {
    if (!sc.nameIs(N_RECORDS))
      throw requestInvalid(`unknown member '${sc.text()}' in the body; it has only 'records'`);
    if (count >= 0) throw requestInvalid("member 'records' appears twice");
    const k = sc.peek();
    if (k !== 'array') throw requestInvalid(`'records' must be an array, found ${kindText(k)}`);
    sc.enterArray();
    count = 0;
    while (sc.nextElement()) {
      // Past the limit keep counting (and validating), so the error can say how many were sent.
      if (out !== null && count < limits.maxBatchEvents) out.push(scanRecord(sc, count, limits));
      else sc.skipValue();
      count++;
    }
  }
  sc.finish();
  if (count < 0) throw requestInvalid("the body has no 'records' array");
  if (count === 0) throw syError('SY_ERR_BATCH_EMPTY');
  if (count > limits.maxBatchEvents)
    throw syError('SY_ERR_BATCH_TOO_LARGE', { count, limit: limits.maxBatchEvents });
}

function scanRecord(sc: JsonScanner, index: number, limits: BodyLimits): ParsedRecord {
  const kind = sc.peek();
  if (kind !== 'object') throw eventInvalid(index, `a record must be an object, found ${kindText(kind)}`);
  sc.enterObject();
  let key: Buffer | null = null;
  let value: Buffer | undefined;
  let headers: ParsedHeader[] | null = null;
  let partition: number | undefined;
  let timestamp: number | undefined;
  let seen = 0;
  while (sc.nextMember()) {
    const bit = sc.nameIs(N_VALUE)
      ? 1
      : sc.nameIs(N_KEY)
        ? 2
        : sc.nameIs(N_PARTITION)
          ? 4
          : sc.nameIs(N_TIMESTAMP)
            ? 8
            : sc.nameIs(N_HEADERS)
              ? 16
              : 0;
    if (bit === 0) {
      const reason = `unknown member '${sc.text()}'; a record has only key, value, headers, partition and timestamp`;
      throw eventInvalid(index, reason);
    }
    if ((seen & bit) !== 0) throw eventInvalid(index, `member '${sc.text()}' appears twice`);
    seen |= bit;
    if (bit === 1) {
      const start = sc.skipValue();
      value = sc.buf.subarray(start, sc.pos);
    } else if (bit === 2) {
      const k = sc.peek();
      if (k === 'string') {
        sc.readString();
        key = sc.textBytes();
      } else if (k === 'null') sc.skipValue();
      else throw eventInvalid(index, `'key' must be a string or null, found ${kindText(k)}`);
    } else if (bit === 4) partition = readInteger(sc, index, 'partition', MAX_PARTITION);
    else if (bit === 8) timestamp = readInteger(sc, index, 'timestamp', Number.MAX_SAFE_INTEGER);
    else headers = scanHeaders(sc, index);
  }
  if (value === undefined) throw eventInvalid(index, "it has no 'value' (send null for an empty value)");
  let size = value.length;
  if (key !== null) size += key.length;
  if (headers !== null) {
    for (const h of headers) size += Buffer.byteLength(h.key) + (h.value === null ? 0 : h.value.length);
  }
  if (size > limits.maxEventBytes) throw eventTooLarge(index, size, limits.maxEventBytes);
  return { key, value, headers, partition, timestamp };
}

function readInteger(sc: JsonScanner, index: number, name: string, max: number): number {
  const kind = sc.peek();
  if (kind !== 'number')
    throw eventInvalid(index, `'${name}' must be a non-negative integer, found ${kindText(kind)}`);
  const start = sc.pos;
  const n = sc.readNumber();
  if (!Number.isInteger(n) || n < 0 || n > max) {
    const sent = sc.buf.toString('latin1', start, sc.pos);
    throw eventInvalid(index, `'${name}' must be an integer from 0 to ${max}, found ${sent}`);
  }
  return n + 0; // -0 → 0
}

function scanHeaders(sc: JsonScanner, index: number): ParsedHeader[] | null {
  const kind = sc.peek();
  if (kind === 'null') {
    sc.skipValue();
    return null;
  }
  if (kind !== 'object') {
    throw eventInvalid(index, `'headers' must be an object of string values, found ${kindText(kind)}`);
  }
  sc.enterObject();
  let headers: ParsedHeader[] | null = null;
  while (sc.nextMember()) {
    const name = sc.text();
    const k = sc.peek();
    let value: Uint8Array | null = null;
    if (k === 'string') {
      sc.readString();
      value = sc.textBytes();
    } else if (k === 'null') sc.skipValue();
    else throw eventInvalid(index, `header '${name}' must be a string or null, found ${kindText(k)}`);
    if (headers === null) headers = [];
    else if (headers.some((h) => h.key === name)) throw eventInvalid(index, `header '${name}' appears twice`);
    headers.push({ key: name, value });
  }
  return headers;
}
