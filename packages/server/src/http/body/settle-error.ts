/**
 * Error precedence for body parsers. The fast pass stops at the first problem it meets, but a person
 * fixes a body from the outside in: first its JSON syntax anywhere, then its overall shape (members,
 * empty or oversized batch), then the first bad event. On the (rare) error path we re-check in that order.
 */
import { isSwitchyardError } from '@switchyard/protocol';
import { JsonScanner } from './json-scanner.ts';
import { jsonSyntaxError } from './json-syntax-error.ts';

/** Returns the error to reject `body` with, given the fast pass's `err` and a shape-only walk that throws. */
export function settleError(body: Buffer, err: unknown, walkShape: () => void): unknown {
  if (!isSwitchyardError(err) || err.code === 'SY_ERR_REQUEST_MALFORMED_JSON') return err;
  const check = new JsonScanner(body);
  if (!check.validate()) return jsonSyntaxError(body, check.errPos, check.errExpected);
  try {
    walkShape();
  } catch (shapeErr) {
    return shapeErr;
  }
  return err;
}
