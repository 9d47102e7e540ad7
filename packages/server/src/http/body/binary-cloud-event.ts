/**
 * CloudEvents HTTP binary mode: attributes in `ce-*` headers, datacontenttype in `Content-Type`, the
 * body as data. Converted to a structured JSON event so every CloudEvent is stored the same way:
 * `data` holds the body as it is when it is JSON, else `data_base64`.
 */

import { CLOUD_EVENT_HEADERS } from './cloud-event.ts';
import { eventTime, isAttributeName, isJsonMediaType } from './cloud-event-attributes.ts';
import { isJsonValue } from './is-json-value.ts';
import { DEFAULT_MAX_DEPTH } from './json-scanner.ts';
import { type BodyLimits, eventInvalid, eventTooLarge, type ParsedRecord } from './parsed-record.ts';

/** HTTP request headers as Node gives them. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

const REQUIRED = ['specversion', 'id', 'source', 'type'];
const utf8 = new TextDecoder('utf-8', { fatal: true });
// The body becomes the value of `data`, one level down: keep the stored event within the default limit.
const BODY_DEPTH = { maxDepth: DEFAULT_MAX_DEPTH - 1 };

/** Parses a binary-mode CloudEvent (headers + body) into a single record holding the structured event. */
export function parseBinaryCloudEvent(
  headers: RequestHeaders,
  body: Buffer,
  limits: BodyLimits,
): ParsedRecord[] {
  const attrs = new Map<string, string>();
  let contentType: string | undefined;
  for (const [rawName, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const name = rawName.toLowerCase();
    if (name === 'content-type') {
      contentType = single(name, raw);
      continue;
    }
    if (!name.startsWith('ce-')) continue;
    const attr = name.slice(3);
    const attrBytes = Buffer.from(attr, 'latin1');
    if (!isAttributeName(attrBytes, 0, attrBytes.length)) {
      throw eventInvalid(0, `header '${name}': attribute names are lowercase letters a-z and digits only`);
    }
    if (attr === 'data')
      throw eventInvalid(0, "header 'ce-data': in binary mode the data is the request body");
    if (attr === 'datacontenttype') {
      throw eventInvalid(
        0,
        "header 'ce-datacontenttype': in binary mode datacontenttype is the Content-Type header",
      );
    }
    if (attrs.has(attr)) throw eventInvalid(0, `header '${name}' appears twice`);
    attrs.set(attr, percentDecode(name, single(name, raw)));
  }
  for (const attr of REQUIRED) {
    if (!attrs.has(attr)) throw eventInvalid(0, `it has no 'ce-${attr}' header (a required attribute)`);
  }
  if (attrs.get('specversion') !== '1.0') {
    throw eventInvalid(0, `'ce-specversion' must be 1.0, found ${JSON.stringify(attrs.get('specversion'))}`);
  }
  for (const attr of ['id', 'source', 'type', 'dataschema']) {
    if (attrs.get(attr) === '') throw eventInvalid(0, `'ce-${attr}' must not be empty`);
  }
  const time = attrs.get('time');
  let timestamp: number | undefined;
  if (time !== undefined) {
    const bytes = Buffer.from(time, 'utf8');
    timestamp = eventTime(0, bytes, 0, bytes.length);
  }
  const partitionKey = attrs.get('partitionkey');

  let head = '{';
  for (const attr of REQUIRED)
    head += `${head === '{' ? '' : ','}"${attr}":${JSON.stringify(attrs.get(attr))}`;
  for (const [attr, value] of attrs) {
    if (!REQUIRED.includes(attr)) head += `,"${attr}":${JSON.stringify(value)}`;
  }
  if (contentType !== undefined && contentType !== '')
    head += `,"datacontenttype":${JSON.stringify(contentType)}`;
  let value: Buffer;
  if (body.length === 0) value = Buffer.from(`${head}}`);
  else if (contentType !== undefined && isJsonMediaType(contentType) && isJsonValue(body, BODY_DEPTH)) {
    value = Buffer.concat([Buffer.from(`${head},"data":`), body, Buffer.from('}')]);
  } else value = Buffer.from(`${head},"data_base64":"${body.toString('base64')}"}`);
  if (value.length > limits.maxEventBytes) throw eventTooLarge(0, value.length, limits.maxEventBytes);
  const key = partitionKey === undefined ? null : Buffer.from(partitionKey, 'utf8');
  return [{ key, value, headers: CLOUD_EVENT_HEADERS, partition: undefined, timestamp }];
}

function single(name: string, raw: string | string[]): string {
  if (typeof raw === 'string') return raw;
  if (raw.length === 1) return raw[0]!;
  throw eventInvalid(0, `header '${name}' appears ${raw.length} times; send it once`);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Percent-decodes a header value into UTF-8 text (HTTP binding §3.1.3.2); a stray '%' stays as it is. */
function percentDecode(name: string, value: string): string {
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  if (plain) return value;
  // Node hands header bytes over as Latin-1 text; going back to bytes recovers raw UTF-8 too.
  const bytes = Buffer.from(value, 'latin1');
  const out = Buffer.allocUnsafe(bytes.length);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x25 && isHex(bytes[i + 1] ?? 0) && isHex(bytes[i + 2] ?? 0)) {
      out[j++] = Number.parseInt(bytes.toString('latin1', i + 1, i + 3), 16);
      i += 2;
    } else out[j++] = c;
  }
  try {
    return utf8.decode(out.subarray(0, j));
  } catch {
    throw eventInvalid(0, `header '${name}' is not UTF-8 text after percent-decoding`);
  }
}
