import {
  type CommitRequest,
  type FetchResponse,
  type GroupDescriptionResponse,
  type GroupListResponse,
  type GroupOffsetsResponse,
  type GroupSummary,
  IDEMPOTENCY_KEY_HEADER,
  PATHS,
  type ProduceRecord,
  type ProduceResponse,
  type StreamInfo,
  type StreamOffsetsResponse,
  type StreamSettings,
} from '@switchyard/protocol';
import type { HttpClient } from './http-client.ts';

/** A position in a stream: the oldest record, the next record to be written, or a time. */
export type StartPosition = 'earliest' | 'latest' | Date | number;

/** Options of a single-partition JSON read. */
export interface ReadOptions {
  offset: number;
  maxRecords?: number;
  maxBytes?: number;
  /** Wait up to this long for records when none are there (ms). */
  maxWaitMs?: number;
}

/** The `at` query value of a start position (times as epoch ms). */
export function positionQuery(at: StartPosition): string {
  if (at instanceof Date) return String(at.getTime());
  return String(at);
}

/** Manages streams and consumer groups, and reads and writes JSON records one call at a time. */
export class Admin {
  #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** Creates a stream; fails with `SY_ERR_STREAM_EXISTS` when it exists. */
  createStream(name: string, settings: StreamSettings = {}): Promise<StreamInfo> {
    return this.#http.json({ method: 'POST', path: PATHS.streams, json: { name, ...settings } });
  }

  /** Lists all streams. */
  async listStreams(): Promise<StreamInfo[]> {
    return (await this.#http.json<{ streams: StreamInfo[] }>({ method: 'GET', path: PATHS.streams })).streams;
  }

  /** A stream's settings and per-partition offsets and sizes. */
  describeStream(name: string): Promise<StreamInfo> {
    return this.#http.json({ method: 'GET', path: PATHS.stream(name) });
  }

  /** Changes a stream's settings; partitions can only grow. */
  updateStream(name: string, settings: StreamSettings): Promise<StreamInfo> {
    return this.#http.json({ method: 'PATCH', path: PATHS.stream(name), json: settings });
  }

  /** Deletes a stream and its records. */
  async deleteStream(name: string): Promise<void> {
    await this.#http.request({ method: 'DELETE', path: PATHS.stream(name) });
  }

  /** Per partition, the offset of the first record at `at` (earliest, latest = end, or a time). */
  async offsets(stream: string, at: StartPosition): Promise<{ partition: number; offset: number }[]> {
    const res = await this.#http.json<StreamOffsetsResponse>({
      method: 'GET',
      path: PATHS.offsets(stream),
      query: { at: positionQuery(at) },
    });
    return res.offsets;
  }

  /** Reads records of one partition as JSON (the convenient path; consumers use binary fetch). */
  read(stream: string, partition: number, options: ReadOptions): Promise<FetchResponse> {
    return this.#http.json({
      method: 'GET',
      path: PATHS.partitionRecords(stream, partition),
      query: {
        offset: options.offset,
        maxRecords: options.maxRecords,
        maxBytes: options.maxBytes,
        maxWaitMs: options.maxWaitMs,
      },
      extraTimeoutMs: options.maxWaitMs,
    });
  }

  /** Appends JSON records in one request; the server partitions them. A key makes a retry safe. */
  produceJson(
    stream: string,
    records: ProduceRecord[],
    options: { idempotencyKey?: string } = {},
  ): Promise<ProduceResponse> {
    const key = options.idempotencyKey;
    return this.#http.json({
      method: 'POST',
      path: PATHS.records(stream),
      json: { records },
      headers: key === undefined ? undefined : { [IDEMPOTENCY_KEY_HEADER]: key },
      idempotent: key !== undefined,
    });
  }

  /** Lists consumer groups with their state and total lag. */
  async listGroups(): Promise<GroupSummary[]> {
    return (await this.#http.json<GroupListResponse>({ method: 'GET', path: PATHS.groups })).groups;
  }

  /** A group's members, assignment, and per-partition committed offset, end offset and lag. */
  describeGroup(group: string): Promise<GroupDescriptionResponse> {
    return this.#http.json({ method: 'GET', path: PATHS.group(group) });
  }

  /** Deletes a group and its committed offsets (it must have no members). */
  async deleteGroup(group: string): Promise<void> {
    await this.#http.request({ method: 'DELETE', path: PATHS.group(group) });
  }

  /** A group's committed offsets. */
  async groupOffsets(group: string): Promise<GroupOffsetsResponse['offsets']> {
    return (await this.#http.json<GroupOffsetsResponse>({ method: 'GET', path: PATHS.groupOffsets(group) }))
      .offsets;
  }

  /** Commits offsets for a group; members pass their id and generation, which fence stale commits. */
  async commitOffsets(group: string, request: CommitRequest): Promise<void> {
    await this.#http.request({
      method: 'POST',
      path: PATHS.groupOffsets(group),
      json: request,
      idempotent: true,
    });
  }
}
