import { createHash } from 'node:crypto';
import type { ProduceResponse } from '@switchyard/protocol';
import { decodeProduceFrames, IDEMPOTENCY_KEY_HEADER, MEDIA, syError } from '@switchyard/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IdempotencyStore } from '../../streams/idempotency-store.ts';
import type { Streams } from '../../streams/streams.ts';
import type { BodyLimits } from '../body/index.ts';
import {
  parseBinaryCloudEvent,
  parseCloudEvent,
  parseCloudEventBatch,
  parseJsonProduce,
} from '../body/index.ts';
import { mediaType } from '../http-errors.ts';
import type { InFlightGate } from '../in-flight-gate.ts';

/** Settings of the produce route. */
/** What makes two produce requests the same request: content type, CloudEvents headers and body. */
function fingerprint(req: FastifyRequest): string {
  const hash = createHash('sha256');
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'content-type' || name.startsWith('ce-')) hash.update(`${name}:${String(value)}\n`);
  }
  const body = req.body as Buffer | undefined;
  if (body !== undefined) hash.update(body);
  return hash.digest('base64url');
}

export interface ProduceRouteOptions {
  limits: BodyLimits;
  /** Deduplicates requests with an `Idempotency-Key`. */
  idempotency: IdempotencyStore;
  gate: InFlightGate;
}

const ACCEPTED = [
  MEDIA.recordBatches,
  MEDIA.json,
  MEDIA.cloudEvent,
  MEDIA.cloudEventBatch,
  'CloudEvents binary mode (ce-* headers)',
].join(', ');

/** `POST /v1/streams/:stream/records` in every accepted format. */
export function produceRoutes(app: FastifyInstance, streams: Streams, options: ProduceRouteOptions): void {
  const produce = (req: FastifyRequest<{ Params: { stream: string } }>): Promise<ProduceResponse> => {
    const stream = req.params.stream;
    const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    const type = mediaType(req);
    if (type === MEDIA.recordBatches) return streams.produceFrames(stream, decodeProduceFrames(body));
    if (req.headers['ce-specversion'] !== undefined) {
      return streams.produceRecords(stream, parseBinaryCloudEvent(req.headers, body, options.limits));
    }
    switch (type) {
      case MEDIA.json:
        return streams.produceRecords(stream, parseJsonProduce(body, options.limits));
      case MEDIA.cloudEventBatch:
        return streams.produceRecords(stream, parseCloudEventBatch(body, options.limits));
      case MEDIA.cloudEvent:
        return streams.produceRecords(stream, parseCloudEvent(body, options.limits));
      default:
        throw syError('SY_ERR_REQUEST_CONTENT_TYPE', { contentType: type || '(none)', accepted: ACCEPTED });
    }
  };

  app.post<{ Params: { stream: string } }>('/v1/streams/:stream/records', async (req) => {
    const size = (req.body as Buffer | undefined)?.length ?? 0;
    const release = options.gate.enter(size);
    try {
      const key = req.headers[IDEMPOTENCY_KEY_HEADER];
      if (typeof key === 'string' && key !== '') {
        return await options.idempotency.run(req.params.stream, key, () => produce(req), fingerprint(req));
      }
      return await produce(req);
    } finally {
      release();
    }
  });
}
