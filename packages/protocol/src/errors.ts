/**
 * The one error catalogue of Switchyard. Every error the server returns, and every error the
 * client raises for a server answer, has a stable code from this table. `docs/errors.md` is kept
 * equal to it by a test (`errors.test.ts`).
 */

/** One catalogue entry: HTTP status, a message template a person can act on, and whether a retry may succeed. */
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
  readonly retriable: boolean;
}

function e(status: number, message: string, retriable = false): ErrorSpec {
  return { status, message, retriable };
}

/** All error codes, `SY_ERR_<AREA>_<WHAT>`. Messages may contain `{name}` placeholders filled from details. */
export const ERRORS = {
  SY_ERR_REQUEST_MALFORMED_JSON: e(400, 'The request body is not valid JSON: {reason}'),
  SY_ERR_REQUEST_INVALID: e(400, 'The request is invalid: {reason}'),
  SY_ERR_REQUEST_CONTENT_TYPE: e(
    415,
    'Content type {contentType} is not accepted here; use one of {accepted}',
  ),
  SY_ERR_REQUEST_TOO_LARGE: e(413, 'The request body is {size} bytes; the limit is {limit} bytes'),
  SY_ERR_REQUEST_NOT_FOUND: e(404, 'No route {method} {path}; see /openapi.json for the API'),
  SY_ERR_EVENT_TOO_LARGE: e(413, 'Event {index} is {size} bytes; the limit is {limit} bytes (maxEventBytes)'),
  SY_ERR_EVENT_INVALID: e(400, 'Event {index} is invalid: {reason}'),
  SY_ERR_BATCH_TOO_LARGE: e(413, 'The batch has {count} events; the limit is {limit} (maxBatchEvents)'),
  SY_ERR_BATCH_EMPTY: e(400, 'The batch has no events; send at least one'),
  SY_ERR_BATCH_CORRUPT: e(400, 'The record batch is corrupt: {reason}'),
  SY_ERR_NAME_INVALID: e(400, 'Name {name} is invalid: use 1 to 256 characters from A-Z a-z 0-9 . _ -'),
  SY_ERR_STREAM_NOT_FOUND: e(
    404,
    'Stream {stream} does not exist; create it with `switchyard stream create {stream}`',
  ),
  SY_ERR_STREAM_EXISTS: e(409, 'Stream {stream} already exists'),
  SY_ERR_STREAM_CONFIG_INVALID: e(400, 'Stream configuration is invalid: {reason}'),
  SY_ERR_PARTITION_INVALID: e(
    400,
    'Partition {partition} does not exist in stream {stream}, which has {partitions} partitions (0..{max})',
  ),
  SY_ERR_PARTITIONS_SHRINK: e(400, 'Stream {stream} has {partitions} partitions; partitions can only grow'),
  SY_ERR_OFFSET_OUT_OF_RANGE: e(
    416,
    'Offset {offset} is out of range for {stream}/{partition}: valid offsets are {start}..{end}',
  ),
  SY_ERR_PRODUCER_SEQUENCE_GAP: e(
    409,
    'Producer {producerId} sent sequence {sequence} for partition {partition}, expected {expected}: a batch was lost; restart the producer',
  ),
  SY_ERR_PRODUCER_UNKNOWN: e(
    409,
    'Producer {producerId} is not known to partition {partition} (new, or idle longer than the producer expiry) and sent sequence {sequence}; a producer starts at 0: get a new producer id and resend',
  ),
  SY_ERR_PRODUCER_FENCED: e(409, 'Producer {producerId} epoch {epoch} is fenced by a newer epoch {current}'),
  SY_ERR_IDEMPOTENCY_KEY_REUSED: e(
    422,
    'Idempotency-Key {key} was already used on stream {stream} for a different request (another body or content type); use a new key for a new request',
  ),
  SY_ERR_COMPACTED_KEY_REQUIRED: e(400, 'Stream {stream} is compacted: every event needs a key'),
  SY_ERR_TIMESTAMP_AHEAD: e(
    400,
    'Event timestamp {timestamp} is {aheadMs} ms ahead of the server clock (at most {maxAheadMs}); check the producer clock or send no timestamp',
  ),
  SY_ERR_GROUP_NOT_FOUND: e(404, 'Consumer group {group} does not exist'),
  SY_ERR_GROUP_MEMBER_UNKNOWN: e(409, 'Member {member} is not in group {group}; rejoin the group', true),
  SY_ERR_GROUP_GENERATION_STALE: e(
    409,
    'Generation {generation} of group {group} is stale (current {current}); rejoin the group',
    true,
  ),
  SY_ERR_GROUP_REBALANCING: e(409, 'Group {group} is rebalancing; rejoin to get the new assignment', true),
  SY_ERR_GROUP_NOT_ASSIGNED: e(
    409,
    'Member {member} of group {group} is not assigned {stream}/{partition}',
    true,
  ),
  SY_ERR_GROUP_STRATEGY_UNKNOWN: e(
    400,
    'Assignment strategy {strategy} is unknown; use range, roundrobin or cooperative-sticky',
  ),
  SY_ERR_GROUP_STRATEGY_MISMATCH: e(
    409,
    'Group {group} uses strategy {current}, not {strategy}: every member of a group must use the same strategy',
  ),
  SY_ERR_GROUP_NOT_EMPTY: e(
    409,
    'Group {group} has {members} live members; {action} needs an empty group: stop its consumers or wait for their sessions to expire',
    true,
  ),
  SY_ERR_STORAGE_FULL: e(
    507,
    'The data directory is full ({reason}); free space or raise the disk, then retry',
    true,
  ),
  SY_ERR_STORAGE_UNWRITABLE: e(
    500,
    'The data directory cannot be written ({reason}); fix its permissions',
    true,
  ),
  SY_ERR_STORAGE_CORRUPT: e(500, 'Stored data is corrupt: {reason}'),
  SY_ERR_STORAGE_UNAVAILABLE: e(
    503,
    'The storage cluster cannot be reached ({reason}); retry shortly, and check that NATS is up',
    true,
  ),
  SY_ERR_STORAGE_LOCKED: e(
    409,
    'The data directory is in use ({reason}); stop the other server or start this one with another --data-dir',
  ),
  SY_ERR_STORAGE_CONFLICT: e(409, 'A concurrent change won: {reason}; read again and retry', true),
  SY_ERR_SERVER_OVERLOADED: e(503, 'The server is overloaded ({reason}); retry after a short wait', true),
  SY_ERR_SERVER_SHUTTING_DOWN: e(
    503,
    'The server is shutting down; retry against another node or after restart',
    true,
  ),
  SY_ERR_SERVER_INTERNAL: e(500, 'Internal error: {reason}', true),
  SY_ERR_CONFIG_INVALID: e(400, 'Configuration is invalid: {reason}'),
  SY_ERR_PATTERN_INVALID: e(400, 'Event pattern is not valid. Reason: {reason}'),
  SY_ERR_FILTER_POLICY_INVALID: e(400, 'Invalid parameter: FilterPolicy: {reason}'),
  SY_ERR_EVENT_TOO_DEEP: e(
    400,
    'The event nests arrays more than {max} deep under a field a rule names; send it flatter',
  ),
} as const satisfies Record<string, ErrorSpec>;

/** A stable error code from the catalogue. */
export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every error answer: `{ "error": { code, message, details } }`. */
export interface ErrorBody {
  error: { code: ErrorCode | string; message: string; details?: Record<string, unknown> };
}

/** Fills `{name}` placeholders of a message template from details. */
export function formatMessage(template: string, details: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in details ? String(details[key]) : whole,
  );
}

/** An error with a catalogue code; thrown by the core, rendered by the faces, re-raised by the client. */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown; message?: string },
  ) {
    const spec = ERRORS[code];
    super(
      options?.message ?? formatMessage(spec.message, details),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.status = spec.status;
    this.retriable = spec.retriable;
    this.details = details;
  }

  /** The HTTP body for this error. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Shorthand for `new SwitchyardError(code, details)`. */
export function syError(
  code: ErrorCode,
  details: Record<string, unknown> = {},
  cause?: unknown,
): SwitchyardError {
  return new SwitchyardError(code, details, cause === undefined ? undefined : { cause });
}

/** True for a SwitchyardError with the given code (or any code when omitted). */
export function isSwitchyardError(err: unknown, code?: ErrorCode): err is SwitchyardError {
  return err instanceof SwitchyardError && (code === undefined || err.code === code);
}
