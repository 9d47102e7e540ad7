/**
 * IP addresses and CIDR blocks for the `cidr` operator. Addresses are held as four 32-bit words (IPv4 uses the
 * first word only) so that matching an event value parses into a reused scratch buffer without allocating.
 */

/** An inclusive address range: `low` is the written address, `high` the address with all host bits set. */
export interface CidrRange {
  readonly v6: boolean;
  readonly low: Uint32Array;
  readonly high: Uint32Array;
}

/** Thrown with the AWS reason text for a malformed CIDR operand. */
export class CidrSyntaxError extends Error {}

/** Parses a dotted-quad IPv4 address into `out[0]`; false when it is not one. */
function parseIpv4(text: string, start: number, end: number, out: Uint32Array, word: number): boolean {
  let value = 0;
  let parts = 0;
  let i = start;
  while (parts < 4) {
    let digits = 0;
    let octet = 0;
    const first = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(first) === 48))
      return false;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (i >= end || text.charCodeAt(i) !== 46) return false;
      i++;
    }
  }
  if (i !== end) return false;
  out[word] = value >>> 0;
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const groups = new Uint16Array(8);

/** Parses an IPv6 address (with `::` and an optional dotted-quad tail) into four words; false when invalid. */
function parseIpv6(text: string, out: Uint32Array): boolean {
  const end = text.length;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === end) {
      groups.fill(0);
      count = 0;
    }
  }
  while (i < end) {
    let v = 0;
    let digits = 0;
    const groupStart = i;
    while (i < end) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      v = v * 16 + h;
      digits++;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      // Embedded IPv4 tail takes the last two groups.
      if (count > 6) return false;
      const scratch = new Uint32Array(1);
      if (!parseIpv4(text, groupStart, end, scratch, 0)) return false;
      groups[count++] = (scratch[0] as number) >>> 16;
      groups[count++] = (scratch[0] as number) & 0xffff;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4 || count >= 8) return false;
    groups[count++] = v;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return false;
    }
  }
  if (gap < 0 && count !== 8) return false;
  if (gap >= 0 && count > 7) return false;
  const words = [0, 0, 0, 0, 0, 0, 0, 0];
  if (gap < 0) {
    for (let g = 0; g < 8; g++) words[g] = groups[g] as number;
  } else {
    for (let g = 0; g < gap; g++) words[g] = groups[g] as number;
    const tail = count - gap;
    for (let g = 0; g < tail; g++) words[8 - tail + g] = groups[gap + g] as number;
  }
  for (let w = 0; w < 4; w++)
    out[w] = (((words[w * 2] as number) << 16) | (words[w * 2 + 1] as number)) >>> 0;
  return true;
}

/** Parses an IP address into `out`; returns 4 (IPv4), 6 (IPv6) or 0 when `text` is not an IP address. */
export function parseIp(text: string, out: Uint32Array): 0 | 4 | 6 {
  if (text.length < 2 || text.length > 45) return 0;
  if (text.indexOf(':') >= 0) return parseIpv6(text, out) ? 6 : 0;
  return parseIpv4(text, 0, text.length, out, 0) ? 4 : 0;
}

/** Parses `address/bits` with event-ruler's checks and messages. */
export function parseCidr(text: string): CidrRange {
  const parts = text.split('/');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // Java's split drops trailing empties
  if (parts.length !== 2) throw new CidrSyntaxError("Malformed CIDR, one '/' required");
  const [address, maskText] = parts as [string, string];
  if (!/^[+-]?\d{1,10}$/.test(maskText) || Math.abs(Number(maskText)) > 2147483647) {
    throw new CidrSyntaxError('Malformed CIDR, mask bits must be an integer');
  }
  const bits = Number(maskText);
  if (bits < 0) throw new CidrSyntaxError('Malformed CIDR, mask bits must not be negative');
  const low = new Uint32Array(4);
  const version = parseIp(address, low);
  if (version === 0) throw new CidrSyntaxError(`Nonstandard IP address: ${address}`);
  if (version === 4 && bits > 31) throw new CidrSyntaxError('IPv4 mask bits must be < 32');
  if (version === 6 && bits > 127) throw new CidrSyntaxError('IPv6 mask bits must be < 128');
  const high = low.slice();
  const words = version === 4 ? 1 : 4;
  let hostBits = words * 32 - bits;
  for (let w = words - 1; w >= 0 && hostBits > 0; w--) {
    const take = Math.min(32, hostBits);
    const mask = take === 32 ? 0xffffffff : (1 << take) - 1;
    high[w] = ((high[w] as number) | mask) >>> 0;
    hostBits -= take;
  }
  return { v6: version === 6, low, high };
}

/** A range holding exactly one address, for plain string values that are IP addresses. */
export function singleAddressRange(text: string): CidrRange | undefined {
  const low = new Uint32Array(4);
  const version = parseIp(text, low);
  if (version === 0) return undefined;
  return { v6: version === 6, low, high: low.slice() };
}

function compare(a: Uint32Array, b: Uint32Array, words: number): number {
  for (let w = 0; w < words; w++) {
    const x = a[w] as number;
    const y = b[w] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const scratch = new Uint32Array(4);

/** True when `value` is an IP address inside `range` (IPv4 never matches an IPv6 range or the reverse). */
export function cidrContains(range: CidrRange, value: string): boolean {
  const version = parseIp(value, scratch);
  if (version === 0 || (version === 6) !== range.v6) return false;
  const words = range.v6 ? 4 : 1;
  return compare(scratch, range.low, words) >= 0 && compare(scratch, range.high, words) <= 0;
}
