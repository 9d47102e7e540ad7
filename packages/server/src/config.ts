import { syError } from '@switchyard/protocol';
import type { FsyncPolicy } from './storage/log-store.ts';

/** Everything the server process is configured with. Durations in milliseconds. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  maxEventBytes: number;
  maxBatchEvents: number;
  maxRequestBytes: number;
  maxInFlightBytes: number;
  maxFetchWaitMs: number;
  defaultFetchBytes: number;
  maxFetchBytes: number;
  idempotencyWindowMs: number;
  idempotencyMaxBytes: number;
  producerExpirationMs: number;
  defaultPartitions: number;
  maxPartitions: number;
  defaultRetentionMs: number;
  segmentBytes: number;
  segmentMs: number;
  tailCacheBytes: number;
  compactionMapBytes: number;
  maxTimestampAheadMs: number;
  cleanIntervalMs: number;
}

type Kind = 'string' | 'int' | 'enum';

/** One setting: its flag, env variable, type, default and what it means. */
export interface Setting {
  key: keyof ServerConfig;
  flag: string;
  env: string;
  kind: Kind;
  values?: readonly string[];
  min?: number;
  default: string | number;
  doc: string;
}

const MiB = 1024 * 1024;
const s = (
  key: keyof ServerConfig,
  kind: Kind,
  def: string | number,
  doc: string,
  extra: Partial<Setting> = {},
): Setting => ({
  key,
  flag: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
  env: `SWITCHYARD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
  kind,
  default: def,
  doc,
  ...extra,
});

/** The settings table: the single source for parsing, validation, `--help` and docs/configuration.md. */
export const SETTINGS: readonly Setting[] = [
  s('host', 'string', '127.0.0.1', 'Address to listen on (0.0.0.0 for all interfaces)'),
  s('port', 'int', 8080, 'Port to listen on; 0 picks a free one', { min: 0 }),
  s('dataDir', 'string', './switchyard-data', 'Directory of the embedded storage'),
  s('fsync', 'enum', 'always', 'When a write is acknowledged: always (after fsync), interval, never', {
    values: ['always', 'interval', 'never'],
  }),
  s('fsyncIntervalMs', 'int', 50, 'With fsync=interval: how often data is flushed', { min: 1 }),
  s('logLevel', 'enum', 'info', 'Log level', {
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  }),
  s('maxEventBytes', 'int', MiB, 'Largest event accepted', { min: 1 }),
  s('maxBatchEvents', 'int', 10_000, 'Most events in one JSON produce request', { min: 1 }),
  s('maxRequestBytes', 'int', 64 * MiB, 'Largest request body', { min: 1024 }),
  s(
    'maxInFlightBytes',
    'int',
    256 * MiB,
    'Produce bytes in flight before new writes get 503 (backpressure)',
    { min: 1 },
  ),
  s('maxFetchWaitMs', 'int', 30_000, 'Longest long-poll wait a fetch may ask for', { min: 0 }),
  s('defaultFetchBytes', 'int', MiB, 'Fetch byte budget when a request gives none', { min: 1 }),
  s('maxFetchBytes', 'int', 64 * MiB, 'Largest fetch byte budget', { min: 1 }),
  s('idempotencyWindowMs', 'int', 10 * 60_000, 'How long an Idempotency-Key is remembered', { min: 0 }),
  s(
    'idempotencyMaxBytes',
    'int',
    64 * MiB,
    'Memory for remembered Idempotency-Keys; past it the oldest are forgotten early',
    { min: 0 },
  ),
  s(
    'producerExpirationMs',
    'int',
    86_400_000,
    'Forget an idempotent producer after this long without writes to a partition',
    { min: 1 },
  ),
  s('defaultPartitions', 'int', 1, 'Partitions of a stream created without a count', { min: 1 }),
  s('maxPartitions', 'int', 1024, 'Most partitions a stream may have', { min: 1 }),
  s('defaultRetentionMs', 'int', 7 * 24 * 3_600_000, 'Retention of a stream created without one', { min: 1 }),
  s('segmentBytes', 'int', 128 * MiB, 'Default segment file size', { min: 4096 }),
  s(
    'segmentMs',
    'int',
    7 * 24 * 3_600_000,
    "Default age of a segment's first record at which it rolls, full or not (Kafka's segment.ms)",
    { min: 1 },
  ),
  s(
    'tailCacheBytes',
    'int',
    MiB,
    "Newest bytes per partition kept in memory for consumers at the log's end; 0 = off",
    {
      min: 0,
    },
  ),
  s(
    'compactionMapBytes',
    'int',
    128 * MiB,
    "Most memory one compaction round's key map may take; more keys take more rounds",
    { min: 1024 },
  ),
  s(
    'maxTimestampAheadMs',
    'int',
    3_600_000,
    'Events stamped further ahead of the server clock are refused (they would hold back retention)',
    { min: 1 },
  ),
  s('cleanIntervalMs', 'int', 60_000, 'How often retention and compaction run', { min: 100 }),
];

/** Where settings come from; earlier sources win. */
export interface ConfigSources {
  flags?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  file?: Record<string, unknown>;
}

function coerce(setting: Setting, raw: unknown, source: string): string | number {
  const where = `${setting.key} (${source})`;
  if (setting.kind === 'int') {
    const n =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && /^-?\d+$/.test(raw.trim())
          ? Number(raw)
          : Number.NaN;
    if (!Number.isSafeInteger(n) || n < (setting.min ?? Number.MIN_SAFE_INTEGER)) {
      throw syError('SY_ERR_CONFIG_INVALID', {
        reason: `${where} must be an integer >= ${setting.min ?? '-∞'}, got ${JSON.stringify(raw)}`,
      });
    }
    return n;
  }
  if (typeof raw !== 'string' || raw === '') {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `${where} must be a non-empty string, got ${JSON.stringify(raw)}`,
    });
  }
  if (setting.kind === 'enum' && !setting.values!.includes(raw)) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `${where} must be one of ${setting.values!.join(', ')}, got ${raw}`,
    });
  }
  return raw;
}

/** Resolves the server config: flags > env (`SWITCHYARD_*`) > config file > defaults, validated. */
export function resolveServerConfig(sources: ConfigSources = {}): ServerConfig {
  const known = new Set(SETTINGS.map((x) => x.key as string));
  for (const key of Object.keys(sources.file ?? {})) {
    if (!known.has(key))
      throw syError('SY_ERR_CONFIG_INVALID', {
        reason: `unknown setting ${key} in the config file; known: ${[...known].join(', ')}`,
      });
  }
  const out: Record<string, string | number> = {};
  for (const setting of SETTINGS) {
    const flag = sources.flags?.[setting.key];
    const env = sources.env?.[setting.env];
    const file = sources.file?.[setting.key];
    if (flag !== undefined) out[setting.key] = coerce(setting, flag, `--${setting.flag}`);
    else if (env !== undefined && env !== '') out[setting.key] = coerce(setting, env, setting.env);
    else if (file !== undefined) out[setting.key] = coerce(setting, file, 'config file');
    else out[setting.key] = setting.default;
  }
  const config = out as unknown as ServerConfig;
  if (config.port > 65535)
    throw syError('SY_ERR_CONFIG_INVALID', { reason: `port must be at most 65535, got ${config.port}` });
  if (config.maxEventBytes > config.maxRequestBytes) {
    throw syError('SY_ERR_CONFIG_INVALID', { reason: 'maxEventBytes must not exceed maxRequestBytes' });
  }
  return config;
}
