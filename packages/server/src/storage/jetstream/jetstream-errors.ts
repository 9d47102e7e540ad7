/**
 * Maps nats.js errors onto the catalogue: a failed expected-sequence check (JetStream API error
 * 10071, "wrong last sequence") is a lost compare-and-set race; a closed or lost connection, a
 * timeout or no responders means JetStream cannot be reached now (retriable); anything else is
 * JetStream refusing the request.
 */
import { isSwitchyardError, type SwitchyardError, syError } from '@switchyard/protocol';

/** JetStream's error code for a failed `Nats-Expected-Last-(Subject-)Sequence` check. */
export const JS_WRONG_LAST_SEQUENCE = 10071;

interface NatsLikeError {
  message?: string;
  code?: string;
  api_error?: { err_code?: number; description?: string };
}

/** nats.js error codes that mean the cluster cannot be reached right now. */
const UNREACHABLE = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DRAINING',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'DISCONNECT',
  'TIMEOUT',
  '503',
  '408',
]);

/** True when `err` is JetStream rejecting an append because the expected last sequence did not match. */
export function isWrongLastSequence(err: unknown): boolean {
  const e = err as NatsLikeError | null;
  return (
    e?.api_error?.err_code === JS_WRONG_LAST_SEQUENCE ||
    (typeof e?.message === 'string' && e.message.includes('wrong last sequence'))
  );
}

/** Converts a nats.js error into a SwitchyardError (`what` names the operation for the message). */
export function fromNatsError(err: unknown, what: string): SwitchyardError {
  if (isSwitchyardError(err)) return err;
  const e = err as NatsLikeError | null;
  const detail = e?.api_error?.description ?? e?.message ?? String(err);
  if (isWrongLastSequence(err))
    return syError('SY_ERR_STORAGE_CONFLICT', { reason: `${what}: ${detail}` }, err);
  if (e?.code !== undefined && UNREACHABLE.has(e.code))
    return syError('SY_ERR_STORAGE_UNAVAILABLE', { reason: `JetStream ${what}: ${detail}` }, err);
  return syError('SY_ERR_SERVER_INTERNAL', { reason: `JetStream ${what} failed: ${detail}` }, err);
}
