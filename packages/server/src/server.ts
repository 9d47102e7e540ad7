import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { syError } from '@switchyard/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ServerConfig } from './config.ts';
import { buildApp } from './http/app.ts';
import { groupRoutes } from './http/routes/group-routes.ts';
import { installNativeCrc32c } from './native-crc32c.ts';
import { registerGroupMetrics, storageObserver } from './observability/server-metrics.ts';
import { EmbeddedKvStore } from './storage/embedded/kv/embedded-kv-store.ts';
import { EmbeddedLogStore } from './storage/embedded/log/index.ts';
import { GroupCoordinator } from './streams/groups/group-coordinator.ts';
import { IdempotencyStore } from './streams/idempotency-store.ts';
import { ProducerIds } from './streams/producer-ids.ts';
import { StreamMetrics } from './streams/stream-metrics.ts';
import { Streams } from './streams/streams.ts';

/** A started server. */
export interface RunningServer {
  /** `http://HOST:PORT` it listens on. */
  url: string;
  app: FastifyInstance;
  streams: Streams;
  /** Stops accepting, finishes in-flight requests, closes storage. */
  close(): Promise<void>;
}

function prepareDataDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    accessSync(abs, constants.W_OK | constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw syError('SY_ERR_STORAGE_FULL', { reason: `cannot create ${abs}` }, err);
    throw syError('SY_ERR_STORAGE_UNWRITABLE', { reason: `${abs}: ${(err as Error).message}` }, err);
  }
  return abs;
}

/** Opens the embedded storage, builds the API and listens. */
export async function startServer(config: ServerConfig, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: config.logLevel });
  const dataDir = prepareDataDir(config.dataDir);
  if (installNativeCrc32c() === 'js')
    log.warn('native CRC32C unavailable on this platform; using the JS one (slower ingest)');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_process_' });

  const kv = await EmbeddedKvStore.open({ dir: join(dataDir, 'meta') });
  const logs = await EmbeddedLogStore.open({
    dataDir,
    fsync: config.fsync,
    fsyncIntervalMs: config.fsyncIntervalMs,
    tailCacheBytes: config.tailCacheBytes,
    compactionMapBytes: config.compactionMapBytes,
    producerExpirationMs: config.producerExpirationMs,
    observer: storageObserver(registry, log),
  });
  const streams = await Streams.open({
    kv,
    logs,
    limits: {
      defaultPartitions: config.defaultPartitions,
      maxPartitions: config.maxPartitions,
      defaultRetentionMs: config.defaultRetentionMs,
      defaultSegmentBytes: config.segmentBytes,
      defaultSegmentMs: config.segmentMs,
      maxTimestampAheadMs: config.maxTimestampAheadMs,
    },
    metrics: new StreamMetrics(registry),
  });
  const idempotency = await IdempotencyStore.open({
    kv,
    windowMs: config.idempotencyWindowMs,
    maxBytes: config.idempotencyMaxBytes,
    streamExists: (s) => streams.partitionCount(s) !== undefined,
  });
  const groups = new GroupCoordinator({ kv, partitionsOf: (s) => streams.partitionCount(s) });
  streams.onDeleted((stream) => groups.forgetStream(stream));
  await groups.forgetMissingStreams();
  registerGroupMetrics(registry, groups, streams);

  let ready = false;
  const app = buildApp({
    streams,
    producerIds: new ProducerIds(kv),
    idempotency,
    registry,
    logger: log,
    ready: () => ready,
    limits: {
      maxEventBytes: config.maxEventBytes,
      maxBatchEvents: config.maxBatchEvents,
      maxRequestBytes: config.maxRequestBytes,
      maxInFlightBytes: config.maxInFlightBytes,
      maxWaitMs: config.maxFetchWaitMs,
      defaultMaxBytes: config.defaultFetchBytes,
      maxBytes: config.maxFetchBytes,
    },
    extraRoutes: [(a) => groupRoutes(a, groups, streams)],
  });

  const cleaner = setInterval(() => {
    streams.clean().catch((err: unknown) => log.error({ err }, 'retention/compaction failed'));
    idempotency.sweep().catch((err: unknown) => log.error({ err }, 'forgetting idempotency keys failed'));
  }, config.cleanIntervalMs);
  cleaner.unref();

  const address = await app.listen({ host: config.host, port: config.port });
  ready = true;
  const url = address.replace('[::1]', 'localhost');
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    streams,
    close() {
      closing ??= (async () => {
        ready = false;
        clearInterval(cleaner);
        await app.close();
        await groups.close();
        await logs.close();
        await kv.close();
      })();
      return closing;
    },
  };
}
