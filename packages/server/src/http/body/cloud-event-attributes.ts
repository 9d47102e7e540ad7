/**
 * CloudEvents 1.0 attribute rules shared by the structured (JSON) and binary (HTTP header) modes:
 * attribute names, base64 data, and the `time` attribute as a record timestamp.
 */
import { eventInvalid } from './parsed-record.ts';
import { parseRfc3339Bytes } from './rfc3339.ts';

/** CloudEvents attribute names: lowercase ASCII letters and digits, at least one. */
export function isAttributeName(b: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}

/** True when `b[start, end)` is padded RFC 4648 base64. */
export function isBase64(b: Uint8Array, start: number, end: number): boolean {
  if ((end - start) % 4 !== 0) return false;
  let last = end;
  if (last > start && b[last - 1] === 0x3d) {
    last--;
    if (b[last - 1] === 0x3d) last--;
  }
  for (let i = start; i < last; i++) {
    const c = b[i]!;
    const ok =
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2b ||
      c === 0x2f;
    if (!ok) return false;
  }
  return true;
}

/** The record timestamp for a CloudEvent `time` in `b[start, end)`; throws EVENT_INVALID when it is not one. */
export function eventTime(index: number, b: Uint8Array, start: number, end: number): number {
  const ms = parseRfc3339Bytes(b, start, end);
  if (Number.isNaN(ms)) {
    const sent = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
    throw eventInvalid(
      index,
      `'time' must be an RFC 3339 date-time like 2024-05-01T12:00:00Z, found ${JSON.stringify(sent)}`,
    );
  }
  if (ms < 0) throw eventInvalid(index, "'time' before 1970-01-01T00:00:00Z cannot be a record timestamp");
  return ms;
}

/** Whether a media type carries JSON: `application/json` or any `…+json`, parameters ignored. */
export function isJsonMediaType(contentType: string): boolean {
  const semi = contentType.indexOf(';');
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}
