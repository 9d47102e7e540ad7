/**
 * The native HTTP API of Switchyard: paths, media types and JSON shapes shared by the server and
 * the client. All durations are milliseconds; offsets are integers per partition.
 */

/** Media types the API speaks. */
export const MEDIA = {
  json: 'application/json',
  /** One structured CloudEvent. */
  cloudEvent: 'application/cloudevents+json',
  /** A JSON array of structured CloudEvents. */
  cloudEventBatch: 'application/cloudevents-batch+json',
  /**
   * The binary produce/fetch format: frames of `partition u32 · length u32 · RecordBatch v2 bytes`
   * (one or more batches of that partition). See docs/http-api.md.
   */
  recordBatches: 'application/vnd.switchyard.batches',
} as const;

/** The header that makes a JSON produce idempotent within the server's window. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** How old records are removed from a stream. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Settings a client may give when creating or updating a stream. */
export interface StreamSettings {
  partitions?: number;
  /** Delete records older than this; null keeps them forever. */
  retentionMs?: number | null;
  /** Per partition; null = no size limit. */
  retentionBytes?: number | null;
  cleanupPolicy?: CleanupPolicy;
  /** How long tombstones survive compaction. */
  deleteRetentionMs?: number;
  /** Segment file size at which a partition rolls to a new segment. */
  segmentBytes?: number;
  /**
   * Roll a partition's segment once its first record is this old, even when it is not full, so
   * retention and compaction reach a partition that fills slowly (Kafka's segment.ms); null rolls
   * by size only.
   */
  segmentMs?: number | null;
}

/** `POST /v1/streams` body. */
export interface CreateStreamRequest extends StreamSettings {
  name: string;
}

/** One partition as `GET /v1/streams/:name` reports it. */
export interface PartitionInfo {
  partition: number;
  startOffset: number;
  endOffset: number;
  sizeBytes: number;
}

/** A stream's definition and state. */
export interface StreamInfo {
  name: string;
  partitions: number;
  retentionMs: number | null;
  retentionBytes: number | null;
  cleanupPolicy: CleanupPolicy;
  deleteRetentionMs: number;
  segmentBytes: number;
  segmentMs: number | null;
  createdAt: string;
  /** Present on describe. */
  partitionInfo?: PartitionInfo[];
}

/** One record in a JSON produce (`POST /v1/streams/:name/records`, `application/json`). */
export interface ProduceRecord {
  /** Routes to a partition (Kafka murmur2) unless `partition` is given. */
  key?: string | null;
  /** Any JSON value; stored as the exact bytes sent. */
  value: unknown;
  headers?: Record<string, string>;
  partition?: number;
  /** Create time in ms; defaults to the server's receive time. */
  timestamp?: number;
}

/** JSON produce body. */
export interface ProduceRequest {
  records: ProduceRecord[];
}

/** Where one partition's share of a produce landed. */
export interface ProducedRange {
  partition: number;
  baseOffset: number;
  lastOffset: number;
  /** True when a retry of an idempotent batch was answered from the log. */
  duplicate?: boolean;
}

/** Answer to every produce. `offsets[i]` is `{partition, offset}` of the i-th JSON record (JSON paths only). */
export interface ProduceResponse {
  ranges: ProducedRange[];
  offsets?: { partition: number; offset: number }[];
}

/** A record as JSON fetch returns it. `value` is the stored JSON, or `valueBase64` when not JSON. */
export interface FetchedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value?: unknown;
  valueBase64?: string;
  headers: Record<string, string>;
}

/** `GET /v1/streams/:name/partitions/:p/records` JSON answer. */
export interface FetchResponse {
  records: FetchedRecord[];
  /** Where the next fetch should start. */
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/** One partition position in a multi-partition fetch (`POST /v1/fetch`). */
export interface FetchPosition {
  stream: string;
  partition: number;
  offset: number;
}

/** `POST /v1/fetch` body. With `Accept: application/vnd.switchyard.batches` the answer is binary. */
export interface MultiFetchRequest {
  positions: FetchPosition[];
  /** Wait up to this long for data when none is available (long polling). */
  maxWaitMs?: number;
  /** Soft byte budget for the whole answer. */
  maxBytes?: number;
}

/** `POST /v1/fetch` JSON answer. */
export interface MultiFetchResponse {
  partitions: (FetchResponse & { stream: string; partition: number })[];
}

/** A stream partition. */
export interface TopicPartition {
  stream: string;
  partition: number;
}

/** `POST /v1/groups/:group/members` body. */
export interface JoinGroupRequest {
  memberId?: string;
  streams: string[];
  strategy?: 'range' | 'roundrobin' | 'cooperative-sticky';
  sessionTimeoutMs?: number;
  clientId?: string;
}

/** Answer to join and heartbeat: the member's current assignment. */
export interface GroupAssignmentResponse {
  memberId: string;
  generation: number;
  assignment: TopicPartition[];
  heartbeatIntervalMs: number;
}

/** `POST /v1/groups/:group/members/:member/heartbeat` body. */
export interface HeartbeatRequest {
  generation: number;
  /** Partitions the member still owns (it has stopped consuming the rest). */
  owned?: TopicPartition[];
}

/** `POST /v1/groups/:group/offsets` body. */
export interface CommitRequest {
  memberId?: string;
  generation?: number;
  offsets: (TopicPartition & { offset: number; metadata?: string })[];
}

/** `POST /v1/producers` answer: a fresh idempotent producer identity. */
export interface ProducerIdResponse {
  producerId: number;
  epoch: number;
}

/** `GET /v1/streams/:name/offsets?at=` answer: per partition, the offset at that position or time. */
export interface StreamOffsetsResponse {
  offsets: { partition: number; offset: number }[];
}

/** `GET /v1/groups/:group/offsets` answer: the committed offsets. */
export interface GroupOffsetsResponse {
  offsets: (TopicPartition & { offset: number; metadata?: string | null })[];
}

/** One group in `GET /v1/groups`. */
export interface GroupSummary {
  group: string;
  state: string;
  generation: number;
  members: number;
  strategy: string | null;
}

/** `GET /v1/groups` answer. */
export interface GroupListResponse {
  groups: GroupSummary[];
}

/** A live member in `GET /v1/groups/:group`. */
export interface GroupMemberInfo {
  memberId: string;
  clientId: string;
  streams: string[];
  /** What it may consume now. */
  assignment: TopicPartition[];
  /** Held but no longer in its target: being committed and released. */
  revoking: TopicPartition[];
  /** In its target but still held by another member. */
  pending: TopicPartition[];
}

/** One partition in `GET /v1/groups/:group`: owner, committed offset and lag. */
export interface GroupPartitionInfo extends TopicPartition {
  owner: string | null;
  committedOffset: number | null;
  startOffset: number | null;
  endOffset: number | null;
  /** `end − committed`; with nothing committed `end − start`; null when the log is unknown. */
  lag: number | null;
}

/** `GET /v1/groups/:group` answer. */
export interface GroupDescriptionResponse {
  group: string;
  state: string;
  strategy: string | null;
  generation: number;
  members: GroupMemberInfo[];
  partitions: GroupPartitionInfo[];
  totalLag: number;
}

/** The API's paths. */
export const PATHS = {
  streams: '/v1/streams',
  stream: (name: string) => `/v1/streams/${encodeURIComponent(name)}`,
  records: (name: string) => `/v1/streams/${encodeURIComponent(name)}/records`,
  partitionRecords: (name: string, partition: number) =>
    `/v1/streams/${encodeURIComponent(name)}/partitions/${partition}/records`,
  offsets: (name: string) => `/v1/streams/${encodeURIComponent(name)}/offsets`,
  fetch: '/v1/fetch',
  producers: '/v1/producers',
  groups: '/v1/groups',
  group: (g: string) => `/v1/groups/${encodeURIComponent(g)}`,
  members: (g: string) => `/v1/groups/${encodeURIComponent(g)}/members`,
  member: (g: string, m: string) => `/v1/groups/${encodeURIComponent(g)}/members/${encodeURIComponent(m)}`,
  heartbeat: (g: string, m: string) =>
    `/v1/groups/${encodeURIComponent(g)}/members/${encodeURIComponent(m)}/heartbeat`,
  groupOffsets: (g: string) => `/v1/groups/${encodeURIComponent(g)}/offsets`,
} as const;
