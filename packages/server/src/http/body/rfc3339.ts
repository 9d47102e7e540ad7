/**
 * RFC 3339 date-times (`2024-05-01T12:00:00.123Z`, `…+02:00`) read straight from bytes, for the
 * CloudEvents `time` attribute: strict grammar and ranges, no Date parsing heuristics, no allocation.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(b: Uint8Array, p: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const c = b[p + i]! - 0x30;
    if (!(c >= 0 && c <= 9)) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's days_from_civil, for years 0000..9999.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Milliseconds since the epoch of the RFC 3339 date-time in `b[start, end)`, or NaN when it is not one. */
export function parseRfc3339Bytes(b: Uint8Array, start: number, end: number): number {
  if (end - start < 20) return Number.NaN;
  const year = digits(b, start, 4);
  const month = digits(b, start + 5, 2);
  const day = digits(b, start + 8, 2);
  const hour = digits(b, start + 11, 2);
  const minute = digits(b, start + 14, 2);
  const second = digits(b, start + 17, 2);
  const t = b[start + 10];
  if (b[start + 4] !== 0x2d || b[start + 7] !== 0x2d || (t !== 0x54 && t !== 0x74)) return Number.NaN;
  if (b[start + 13] !== 0x3a || b[start + 16] !== 0x3a) return Number.NaN;
  if (!(month >= 1 && month <= 12 && hour <= 23 && minute <= 59 && second <= 60)) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (!(day >= 1 && day <= monthDays)) return Number.NaN;
  let p = start + 19;
  let ms = 0;
  if (b[p] === 0x2e) {
    p++;
    const first = p;
    let scale = 100;
    for (let c = b[p]! - 0x30; c >= 0 && c <= 9 && p < end; c = b[++p]! - 0x30) {
      ms += c * scale;
      scale /= 10;
    }
    if (p === first) return Number.NaN;
    ms = Math.floor(ms);
  }
  let offset = 0;
  const z = b[p];
  if (z === 0x5a || z === 0x7a) p++;
  else if (z === 0x2b || z === 0x2d) {
    const oh = digits(b, p + 1, 2);
    const om = digits(b, p + 4, 2);
    if (b[p + 3] !== 0x3a || !(oh <= 23 && om <= 59)) return Number.NaN;
    offset = (z === 0x2b ? 1 : -1) * (oh * 60 + om) * 60000;
    p += 6;
  } else return Number.NaN;
  if (p !== end) return Number.NaN;
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + ms - offset;
}

/** `parseRfc3339Bytes` for a string. */
export function parseRfc3339(text: string): number {
  const bytes = Buffer.from(text, 'latin1');
  // Non-Latin-1 characters would alias ASCII digits after the conversion; none belong in a date-time.
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return Number.NaN;
  return parseRfc3339Bytes(bytes, 0, bytes.length);
}
