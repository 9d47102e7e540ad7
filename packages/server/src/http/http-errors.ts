import type { ErrorBody } from '@switchyard/protocol';
import { SwitchyardError, syError } from '@switchyard/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Maps any error to a catalogue error: ours as they are, fastify's by code, the rest as internal. */
export function toSwitchyardError(err: unknown, limitBytes: number): SwitchyardError {
  if (err instanceof SwitchyardError) return err;
  const fe = err as Partial<FastifyError> & { code?: string };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return syError('SY_ERR_REQUEST_TOO_LARGE', { size: 'more than the limit', limit: limitBytes });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return syError('SY_ERR_REQUEST_INVALID', { reason: fe.message ?? 'invalid body' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return syError('SY_ERR_REQUEST_INVALID', { reason: 'the body is empty' });
    case 'ENOSPC':
      return syError('SY_ERR_STORAGE_FULL', { reason: fe.message ?? 'no space' }, err);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return syError('SY_ERR_STORAGE_UNWRITABLE', { reason: fe.message ?? 'not writable' }, err);
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return syError('SY_ERR_REQUEST_INVALID', { reason: fe.message ?? 'invalid request' });
  }
  return syError('SY_ERR_SERVER_INTERNAL', { reason: err instanceof Error ? err.message : String(err) }, err);
}

/** Fastify error handler: sends `{ error: { code, message, details } }` with the catalogue status. */
export function errorHandler(limitBytes: number) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply): void => {
    const sy = toSwitchyardError(err, limitBytes);
    if (sy.status >= 500) req.log.error({ err, code: sy.code }, 'request failed');
    const body: ErrorBody = sy.toBody();
    void reply.code(sy.status).type('application/json').send(body);
  };
}

/** The media type of a request without parameters, lower-cased ('' when absent). */
export function mediaType(req: FastifyRequest): string {
  const ct = req.headers['content-type'];
  if (ct === undefined) return '';
  const semi = ct.indexOf(';');
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

/** Parses a small control-plane JSON body (a Buffer from the catch-all parser); `{}` when empty. */
export function jsonBody<T>(req: FastifyRequest): T {
  const body = req.body as Buffer | undefined;
  if (body === undefined || body.length === 0) return {} as T;
  const type = mediaType(req);
  if (type !== '' && type !== 'application/json') {
    throw syError('SY_ERR_REQUEST_CONTENT_TYPE', { contentType: type, accepted: 'application/json' });
  }
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw syError('SY_ERR_REQUEST_MALFORMED_JSON', { reason: (err as Error).message });
  }
}

/** Reads an integer query parameter within bounds, or the default. */
export function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw syError('SY_ERR_REQUEST_INVALID', {
      reason: `${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
    });
  }
  return n;
}
