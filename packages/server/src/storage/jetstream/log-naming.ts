/**
 * Names of the JetStream objects behind partition logs: one stream per (Switchyard stream,
 * partition), `<PREFIX>_LOG_<name>_<partition>` with the single subject
 * `<prefix>.log.<name>.<partition>`, whose stored messages' headers JetStream republishes on
 * `<prefix>.appended.<name>.<partition>`. Switchyard names are `[A-Za-z0-9._-]`; `.` cannot appear in a
 * stream name or inside a subject token, so `_` becomes `__` and `.` becomes `_d` (one to one).
 */
import { createHash } from 'node:crypto';

const MAX_ENCODED = 180;

/** A Switchyard resource name made safe for JetStream stream names and subject tokens. */
export function encodeLogName(name: string): string {
  const encoded = name.replaceAll('_', '__').replaceAll('.', '_d');
  // Long names would overflow file names in the JetStream store; a hash keeps them unique.
  return encoded.length <= MAX_ENCODED ? encoded : `h_${createHash('sha256').update(name).digest('hex')}`;
}

/** The JetStream stream holding one partition. */
export function partitionStreamName(prefix: string, stream: string, partition: number): string {
  return `${prefix.toUpperCase()}_LOG_${encodeLogName(stream)}_${partition}`;
}

/** The subject the partition's messages are published on (and that other nodes subscribe to). */
export function partitionSubject(prefix: string, stream: string, partition: number): string {
  return `${prefix.toLowerCase()}.log.${encodeLogName(stream)}.${partition}`;
}

/** Where JetStream republishes the headers of each stored message (RePublish, headers only) for listeners. */
export function partitionNotifySubject(prefix: string, stream: string, partition: number): string {
  return `${prefix.toLowerCase()}.appended.${encodeLogName(stream)}.${partition}`;
}

/** Subject filter matching every partition of a stream. */
export function streamSubjectFilter(prefix: string, stream: string): string {
  return `${prefix.toLowerCase()}.log.${encodeLogName(stream)}.*`;
}
