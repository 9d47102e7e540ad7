import type { CreateStreamRequest, StreamSettings } from '@switchyard/protocol';
import { syError } from '@switchyard/protocol';
import type { FastifyInstance } from 'fastify';
import type { IdempotencyStore } from '../../streams/idempotency-store.ts';
import type { OffsetSpec, Streams } from '../../streams/streams.ts';
import { jsonBody } from '../http-errors.ts';

type NameParams = { Params: { stream: string } };

/** Parses `?at=earliest|latest|<ms>|<ISO time>` for the offsets API. */
export function parseOffsetSpec(at: string | undefined): OffsetSpec {
  if (at === undefined || at === '' || at === 'latest') return 'latest';
  if (at === 'earliest') return 'earliest';
  const ms = /^\d+$/.test(at) ? Number(at) : Date.parse(at);
  if (!Number.isFinite(ms)) {
    throw syError('SY_ERR_REQUEST_INVALID', {
      reason: `at must be earliest, latest, milliseconds or an ISO time, got ${at}`,
    });
  }
  return { timestamp: ms };
}

/** Stream management: create, list, describe, update, delete, offsets. */
export function streamRoutes(app: FastifyInstance, streams: Streams, idempotency: IdempotencyStore): void {
  app.post('/v1/streams', async (req, reply) => {
    const info = await streams.create(jsonBody<CreateStreamRequest>(req));
    return reply.code(201).send(info);
  });
  app.get('/v1/streams', async () => ({ streams: streams.list() }));
  app.get<NameParams>('/v1/streams/:stream', async (req) => streams.describe(req.params.stream));
  app.patch<NameParams>('/v1/streams/:stream', async (req) =>
    streams.update(req.params.stream, jsonBody<StreamSettings>(req)),
  );
  app.delete<NameParams>('/v1/streams/:stream', async (req, reply) => {
    streams.describe(req.params.stream); // 404 for an unknown stream before anything is forgotten
    // Keys first: a crash between the two may only cost a duplicate, never a stale answer.
    await idempotency.forgetStream(req.params.stream);
    await streams.delete(req.params.stream);
    return reply.code(204).send();
  });
  app.get<NameParams & { Querystring: { at?: string } }>('/v1/streams/:stream/offsets', async (req) => ({
    offsets: await streams.offsetsAt(req.params.stream, parseOffsetSpec(req.query.at)),
  }));
}
