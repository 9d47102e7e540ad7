/**
 * What every HTTP produce body parser returns: records whose bytes are views into the request body
 * wherever possible, so the append path copies each event once, into the batch it writes.
 */
import type { SwitchyardError } from '@switchyard/protocol';
import { syError } from '@switchyard/protocol';
import type { JsonKind } from './json-scanner.ts';

/** One record header: a name and raw bytes (null when sent as JSON null). */
export interface ParsedHeader {
  key: string;
  value: Uint8Array | null;
}

/** One event of a produce body. `value` (and `key` when it has no escapes) is a view into the body. */
export interface ParsedRecord {
  key: Buffer | null;
  value: Buffer;
  headers: ParsedHeader[] | null;
  partition: number | undefined;
  timestamp: number | undefined;
}

/** Limits a produce body is held to. */
export interface BodyLimits {
  /** Largest event in bytes (JSON produce: value + key + header names and values; CloudEvents: the event). */
  maxEventBytes: number;
  /** Most events in one body. */
  maxBatchEvents: number;
}

/** "an object", "a string", … for messages about what was found. */
export function kindText(kind: JsonKind): string {
  return kind === 'null' ? 'null' : kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}

/** `SY_ERR_EVENT_INVALID` for event `index`. */
export function eventInvalid(index: number, reason: string): SwitchyardError {
  return syError('SY_ERR_EVENT_INVALID', { index, reason });
}

/** `SY_ERR_EVENT_TOO_LARGE` for event `index`. */
export function eventTooLarge(index: number, size: number, limit: number): SwitchyardError {
  return syError('SY_ERR_EVENT_TOO_LARGE', { index, size, limit });
}

/** `SY_ERR_REQUEST_INVALID` with a reason. */
export function requestInvalid(reason: string): SwitchyardError {
  return syError('SY_ERR_REQUEST_INVALID', { reason });
}

/** The ASCII bytes of a member name, for `JsonScanner#nameIs`. */
export function ascii(name: string): Uint8Array {
  return Buffer.from(name, 'latin1');
}
