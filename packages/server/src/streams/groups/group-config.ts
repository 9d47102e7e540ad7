import { syError } from '@switchyard/protocol';
import { type AssignmentStrategy, isStrategy } from './stream-partition.ts';

/** Settings of the group coordinator; all durations in milliseconds. */
export interface GroupCoordinatorConfig {
  /** Strategy of a group's first member when it names none. */
  defaultStrategy: AssignmentStrategy;
  /** Session timeout when a member names none. */
  sessionTimeoutMs: number;
  /** Shortest and longest session timeout a member may ask for (Kafka: 6 s and 30 min). */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** Default time a member has, from the answer that revokes a partition, to stop consuming it; then it is taken back. */
  rebalanceTimeoutMs: number;
  /** Heartbeat interval suggested to members (at most a third of their session timeout). */
  heartbeatIntervalMs: number;
  /** Compare-and-set attempts for one write before giving up with `SY_ERR_STORAGE_CONFLICT`. */
  maxWriteAttempts: number;
  /** Longest offset metadata string, in characters (Kafka's offset.metadata.max.bytes). */
  maxMetadataLength: number;
}

/** The defaults: Kafka's where Kafka has one. */
export const DEFAULT_GROUP_COORDINATOR_CONFIG: Readonly<GroupCoordinatorConfig> = {
  defaultStrategy: 'cooperative-sticky',
  sessionTimeoutMs: 45_000,
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  rebalanceTimeoutMs: 60_000,
  heartbeatIntervalMs: 3_000,
  maxWriteAttempts: 10,
  maxMetadataLength: 4096,
};

/** Fills defaults and validates; throws `SY_ERR_CONFIG_INVALID` naming the bad setting. */
export function resolveGroupCoordinatorConfig(
  partial: Partial<GroupCoordinatorConfig> = {},
): GroupCoordinatorConfig {
  const config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...partial };
  if (!isStrategy(config.defaultStrategy)) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `defaultStrategy ${String(config.defaultStrategy)} is unknown`,
    });
  }
  for (const name of [
    'sessionTimeoutMs',
    'minSessionTimeoutMs',
    'maxSessionTimeoutMs',
    'rebalanceTimeoutMs',
    'heartbeatIntervalMs',
    'maxWriteAttempts',
    'maxMetadataLength',
  ] as const) {
    const value = config[name];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw syError('SY_ERR_CONFIG_INVALID', {
        reason: `${name} must be a positive integer, got ${String(value)}`,
      });
    }
  }
  const { sessionTimeoutMs: s, minSessionTimeoutMs: min, maxSessionTimeoutMs: max } = config;
  if (min > max || s < min || s > max) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `need minSessionTimeoutMs ≤ sessionTimeoutMs ≤ maxSessionTimeoutMs, got ${min} ≤ ${s} ≤ ${max}`,
    });
  }
  return config;
}
