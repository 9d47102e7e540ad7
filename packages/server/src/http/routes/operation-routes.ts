import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ProducerIds } from '../../streams/producer-ids.ts';
import { openApiDocument } from '../openapi.ts';

/** Health, readiness, metrics, the API description, and producer ids. */
export function operationRoutes(
  app: FastifyInstance,
  deps: { registry: Registry; ready: () => boolean; producerIds: ProducerIds },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) =>
    deps.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' }),
  );
  app.get('/metrics', async (_req, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
  app.get('/openapi.json', async () => openApiDocument);
  app.post('/v1/producers', async (_req, reply) => reply.code(201).send(await deps.producerIds.next()));
}
