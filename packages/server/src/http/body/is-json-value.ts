/**
 * For the fetch path: is a stored value JSON, so it can be spliced into a JSON answer as it is
 * (no parse, no re-serialization), or must it be sent as base64?
 */
import { JsonScanner, type JsonScannerOptions } from './json-scanner.ts';

/** True when `bytes` are exactly one valid JSON value (UTF-8, whitespace around allowed). */
export function isJsonValue(bytes: Uint8Array, options?: JsonScannerOptions): boolean {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new JsonScanner(buf, options).validate();
}
