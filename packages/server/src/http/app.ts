import { syError } from '@switchyard/protocol';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import Fastify, { LogController } from 'fastify';
import type { Registry } from 'prom-client';
import { Histogram } from 'prom-client';
import type { IdempotencyStore } from '../streams/idempotency-store.ts';
import type { ProducerIds } from '../streams/producer-ids.ts';
import type { Streams } from '../streams/streams.ts';
import type { BodyLimits } from './body/index.ts';
import { errorHandler } from './http-errors.ts';
import { InFlightGate } from './in-flight-gate.ts';
import type { FetchLimits } from './routes/fetch-routes.ts';
import { fetchRoutes } from './routes/fetch-routes.ts';
import { operationRoutes } from './routes/operation-routes.ts';
import { produceRoutes } from './routes/produce-routes.ts';
import { streamRoutes } from './routes/stream-routes.ts';

/** Limits of the HTTP face. */
export interface HttpLimits extends BodyLimits, FetchLimits {
  /** Largest request body accepted. */
  maxRequestBytes: number;
  /** Produce bytes in flight before new produce requests get 503 (backpressure). */
  maxInFlightBytes: number;
}

/** What the HTTP face is built on. */
export interface AppDeps {
  streams: Streams;
  producerIds: ProducerIds;
  /** Durable `Idempotency-Key` deduplication of produce requests. */
  idempotency: IdempotencyStore;
  registry: Registry;
  logger: FastifyBaseLogger;
  limits: HttpLimits;
  ready: () => boolean;
  /** Extra route plugins (groups, later faces) registered after the core routes. */
  extraRoutes?: ((app: FastifyInstance) => void)[];
}

/** Builds the fastify app of the native HTTP API (not listening yet; tests can `inject`). */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Per-request log lines would sit on the hot path; errors are logged by our error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.limits.maxRequestBytes,
    return503OnClosing: true,
    keepAliveTimeout: 65_000,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(errorHandler(deps.limits.maxRequestBytes));
  app.setNotFoundHandler((req) => {
    throw syError('SY_ERR_REQUEST_NOT_FOUND', { method: req.method, path: req.url.split('?')[0] });
  });

  const duration = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
    registers: [deps.registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    duration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unknown', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });

  operationRoutes(app, deps);
  streamRoutes(app, deps.streams, deps.idempotency);
  produceRoutes(app, deps.streams, {
    limits: deps.limits,
    idempotency: deps.idempotency,
    gate: new InFlightGate(deps.limits.maxInFlightBytes),
  });
  fetchRoutes(app, deps.streams, deps.limits);
  for (const register of deps.extraRoutes ?? []) register(app);
  return app;
}
