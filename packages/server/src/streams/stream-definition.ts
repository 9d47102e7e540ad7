import type { CleanupPolicy, CreateStreamRequest, StreamInfo, StreamSettings } from '@switchyard/protocol';
import { syError } from '@switchyard/protocol';

/** A stream as stored in the catalogue: its public description without the partition state. */
export type StreamDefinition = Omit<StreamInfo, 'partitionInfo'>;

/** Server-wide defaults and bounds for new streams. */
export interface StreamLimits {
  defaultPartitions: number;
  maxPartitions: number;
  defaultRetentionMs: number | null;
  defaultSegmentBytes: number;
  defaultSegmentMs: number | null;
  /** Events stamped further in the future are refused (Kafka's log.message.timestamp.after.max.ms). */
  maxTimestampAheadMs: number;
}

/**
 * Defaults: one partition, 7 days of retention (Kafka's), 128 MiB segments rolled after 7 days at
 * the latest (Kafka's segment.ms), at most 1,024 partitions.
 */
export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  defaultPartitions: 1,
  maxPartitions: 1024,
  defaultRetentionMs: 7 * 24 * 3600 * 1000,
  defaultSegmentBytes: 128 * 1024 * 1024,
  defaultSegmentMs: 7 * 24 * 3600 * 1000,
  maxTimestampAheadMs: 3600 * 1000,
};

const NAME = /^[A-Za-z0-9._-]{1,256}$/;
const POLICIES: readonly CleanupPolicy[] = ['delete', 'compact', 'compact,delete'];

/** Throws `SY_ERR_NAME_INVALID` unless `name` is a valid resource name. */
export function validateName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw syError('SY_ERR_NAME_INVALID', { name: String(name) });
  return name;
}

function invalid(reason: string): never {
  throw syError('SY_ERR_STREAM_CONFIG_INVALID', { reason });
}

function integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`${field} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nullableInteger(value: unknown, field: string, min: number): number | null {
  return value === null ? null : integer(value, field, min);
}

const SETTINGS = new Set([
  'partitions',
  'retentionMs',
  'retentionBytes',
  'cleanupPolicy',
  'deleteRetentionMs',
  'segmentBytes',
  'segmentMs',
]);

function checkKnown(input: object, allowed: Set<string>): void {
  for (const key of Object.keys(input)) {
    if (!allowed.has(key))
      invalid(`unknown setting ${JSON.stringify(key)}; known: ${[...allowed].join(', ')}`);
  }
}

function applySettings(base: StreamDefinition, s: StreamSettings, limits: StreamLimits): StreamDefinition {
  const next = { ...base };
  if (s.partitions !== undefined)
    next.partitions = integer(s.partitions, 'partitions', 1, limits.maxPartitions);
  if (s.retentionMs !== undefined) next.retentionMs = nullableInteger(s.retentionMs, 'retentionMs', 1);
  if (s.retentionBytes !== undefined)
    next.retentionBytes = nullableInteger(s.retentionBytes, 'retentionBytes', 1);
  if (s.deleteRetentionMs !== undefined)
    next.deleteRetentionMs = integer(s.deleteRetentionMs, 'deleteRetentionMs', 0);
  if (s.segmentBytes !== undefined)
    next.segmentBytes = integer(s.segmentBytes, 'segmentBytes', 4096, 2 ** 31 - 1);
  if (s.segmentMs !== undefined) next.segmentMs = nullableInteger(s.segmentMs, 'segmentMs', 1);
  if (s.cleanupPolicy !== undefined) {
    if (!POLICIES.includes(s.cleanupPolicy)) invalid(`cleanupPolicy must be one of ${POLICIES.join(', ')}`);
    next.cleanupPolicy = s.cleanupPolicy;
  }
  return next;
}

/** Validates a create request and fills defaults. */
export function resolveStreamDefinition(
  req: CreateStreamRequest,
  limits: StreamLimits,
  now: Date,
): StreamDefinition {
  if (typeof req !== 'object' || req === null) invalid('the body must be a JSON object with at least "name"');
  checkKnown(req, new Set([...SETTINGS, 'name']));
  const base: StreamDefinition = {
    name: validateName(req.name),
    partitions: limits.defaultPartitions,
    retentionMs: limits.defaultRetentionMs,
    retentionBytes: null,
    cleanupPolicy: 'delete',
    deleteRetentionMs: 24 * 3600 * 1000,
    segmentBytes: limits.defaultSegmentBytes,
    segmentMs: limits.defaultSegmentMs,
    createdAt: now.toISOString(),
  };
  return applySettings(base, req, limits);
}

/** Applies an update; partitions may only grow. */
export function updateStreamDefinition(
  current: StreamDefinition,
  settings: StreamSettings,
  limits: StreamLimits,
): StreamDefinition {
  if (typeof settings !== 'object' || settings === null)
    invalid('the body must be a JSON object of settings');
  checkKnown(settings, SETTINGS);
  const next = applySettings(current, settings, limits);
  if (next.partitions < current.partitions) {
    throw syError('SY_ERR_PARTITIONS_SHRINK', { stream: current.name, partitions: current.partitions });
  }
  return next;
}
