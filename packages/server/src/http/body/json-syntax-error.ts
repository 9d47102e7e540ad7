/**
 * The one way the JSON scanner reports bad syntax: a catalogue error whose reason names the byte
 * position, what was expected there and what was found, phrased for the person who sent the body.
 */
import { type SwitchyardError, syError } from '@switchyard/protocol';

/** Describes the byte at `pos` for an error message: `'x'`, `end of input`, `byte 0xff`, … */
export function describeByte(buf: Uint8Array, pos: number): string {
  if (pos >= buf.length) return 'end of input';
  const c = buf[pos]!;
  if (c === 0x27) return `"'"`;
  if (c > 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  if (c === 0x20) return "' '";
  if (c < 0x20 || c === 0x7f) return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `byte 0x${c.toString(16)}`;
}

/** `SY_ERR_REQUEST_MALFORMED_JSON` for "at byte N: expected X, found Y". */
export function jsonSyntaxError(buf: Uint8Array, pos: number, expected: string): SwitchyardError {
  const reason = `at byte ${pos}: expected ${expected}, found ${describeByte(buf, pos)}`;
  return syError('SY_ERR_REQUEST_MALFORMED_JSON', { reason, position: pos });
}
