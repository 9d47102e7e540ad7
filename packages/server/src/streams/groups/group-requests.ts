import { syError } from '@switchyard/protocol';
import type { GroupCoordinatorConfig } from './group-config.ts';
import {
  type AssignmentStrategy,
  compareStrings,
  isStrategy,
  partitionKey,
  type StreamPartition,
} from './stream-partition.ts';

/** What a consumer sends to join a group (or to rejoin with its memberId). */
export interface JoinRequest {
  /** Omit on first join and the coordinator picks one; a client may also choose its own (then retries are idempotent). */
  memberId?: string;
  /** Streams to consume; at least one. */
  streams: readonly string[];
  /** Must equal the strategy of the group's live members; default: theirs, or the configured default. */
  strategy?: string;
  /** Without a heartbeat for this long the member is removed and its partitions handed on. */
  sessionTimeoutMs?: number;
  /** From the answer that revokes a partition, the member must stop consuming it within this time. */
  rebalanceTimeoutMs?: number;
  /** Free text shown in describe, and the start of generated member ids. */
  clientId?: string;
}

/** The answer to join and heartbeat: the partitions the member may hold now. */
export interface MemberAssignment {
  memberId: string;
  generation: number;
  /**
   * Partitions the member may consume now. A partition it holds that is missing here is being
   * revoked: commit its offset, stop consuming it, and leave it out of the next heartbeat's `owned`.
   */
  assignment: StreamPartition[];
  heartbeatIntervalMs: number;
}

/** One offset to commit: the next offset to read (last processed + 1). */
export interface OffsetToCommit {
  stream: string;
  partition: number;
  offset: number;
  metadata?: string;
}

/** A commit: by a member (fenced by memberId and generation) or standalone (only while the group is empty). */
export interface CommitRequest {
  memberId?: string;
  generation?: number;
  offsets: readonly OffsetToCommit[];
}

/** A join request after validation, with defaults filled in except the strategy. */
export interface ValidJoin {
  memberId: string | undefined;
  streams: string[];
  strategy: AssignmentStrategy | undefined;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  clientId: string;
}

const NAME = /^[A-Za-z0-9._-]{1,256}$/;

/** Throws `SY_ERR_NAME_INVALID` unless `name` is a valid resource name. */
export function assertName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw syError('SY_ERR_NAME_INVALID', { name: String(name) });
}

function invalid(reason: string) {
  return syError('SY_ERR_REQUEST_INVALID', { reason });
}

/** Validates a join request; throws a catalogue error a person can act on. */
export function validateJoin(request: JoinRequest, config: GroupCoordinatorConfig): ValidJoin {
  if (request.memberId !== undefined) assertName(request.memberId);
  if (!Array.isArray(request.streams) || request.streams.length === 0) {
    throw invalid('streams must list at least one stream');
  }
  request.streams.forEach(assertName);
  if (request.strategy !== undefined && !isStrategy(request.strategy)) {
    throw syError('SY_ERR_GROUP_STRATEGY_UNKNOWN', { strategy: request.strategy });
  }
  const sessionTimeoutMs = request.sessionTimeoutMs ?? config.sessionTimeoutMs;
  const { minSessionTimeoutMs: min, maxSessionTimeoutMs: max } = config;
  if (!Number.isSafeInteger(sessionTimeoutMs) || sessionTimeoutMs < min || sessionTimeoutMs > max) {
    throw invalid(`sessionTimeoutMs must be an integer from ${min} to ${max}, got ${sessionTimeoutMs}`);
  }
  const rebalanceTimeoutMs = request.rebalanceTimeoutMs ?? config.rebalanceTimeoutMs;
  if (!Number.isSafeInteger(rebalanceTimeoutMs) || rebalanceTimeoutMs < 1) {
    throw invalid(`rebalanceTimeoutMs must be a positive integer, got ${rebalanceTimeoutMs}`);
  }
  const clientId = request.clientId ?? '';
  if (typeof clientId !== 'string' || clientId.length > 256)
    throw invalid('clientId must be at most 256 characters');
  return {
    memberId: request.memberId,
    streams: [...new Set(request.streams)].sort(compareStrings),
    strategy: request.strategy,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    clientId,
  };
}

/** Validates the offsets of a commit: well-formed, non-empty, each partition at most once. */
export function validateOffsets(offsets: readonly OffsetToCommit[], config: GroupCoordinatorConfig): void {
  if (!Array.isArray(offsets) || offsets.length === 0) throw invalid('offsets must list at least one offset');
  const seen = new Set<string>();
  offsets.forEach((o, i) => {
    assertName(o.stream);
    if (!Number.isSafeInteger(o.partition) || o.partition < 0) {
      throw invalid(`offsets[${i}].partition must be a non-negative integer`);
    }
    if (!Number.isSafeInteger(o.offset) || o.offset < 0)
      throw invalid(`offsets[${i}].offset must be a non-negative integer`);
    if (
      o.metadata !== undefined &&
      (typeof o.metadata !== 'string' || o.metadata.length > config.maxMetadataLength)
    ) {
      throw invalid(
        `offsets[${i}].metadata must be a string of at most ${config.maxMetadataLength} characters`,
      );
    }
    const key = partitionKey(o.stream, o.partition);
    if (seen.has(key)) throw invalid(`offsets lists ${key} twice`);
    seen.add(key);
  });
}

/** Validates an `owned` list from a heartbeat and returns its partition keys. */
export function validateOwned(owned: readonly StreamPartition[]): Set<string> {
  if (!Array.isArray(owned)) throw invalid('owned must be a list of {stream, partition}');
  return new Set(
    owned.map((tp, i) => {
      if (typeof tp?.stream !== 'string' || !Number.isSafeInteger(tp.partition) || tp.partition < 0) {
        throw invalid(`owned[${i}] must be {stream, partition}`);
      }
      return partitionKey(tp.stream, tp.partition);
    }),
  );
}
