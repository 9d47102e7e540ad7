import {
  type GroupAssignmentResponse,
  type HeartbeatRequest,
  isSwitchyardError,
  type JoinGroupRequest,
  PATHS,
  type TopicPartition,
} from '@switchyard/protocol';
import { isRetriable } from './errors.ts';
import type { HttpClient } from './http-client.ts';

/** How a member joins its group. */
export interface GroupMemberOptions {
  group: string;
  streams: string[];
  strategy?: JoinGroupRequest['strategy'];
  sessionTimeoutMs?: number;
  clientId?: string;
}

/** What the member tells its consumer. */
export interface GroupMemberEvents {
  /** Partitions the consumer holds now (including those it is still releasing). */
  owned(): TopicPartition[];
  /** The server's current answer: what the member may consume at which generation. */
  assigned(res: GroupAssignmentResponse): void;
  /** The membership ended (session expired, fenced): every partition is gone, uncommitted. */
  lost(): void;
  /** An error no rejoin fixes. */
  failed(err: unknown): void;
}

const REJOIN = [
  'SY_ERR_GROUP_MEMBER_UNKNOWN',
  'SY_ERR_GROUP_GENERATION_STALE',
  'SY_ERR_GROUP_REBALANCING',
] as const;

/** True for the group errors a resend cannot fix (the member must rejoin or give the partition up). */
export function isGroupError(err: unknown): boolean {
  return isSwitchyardError(err) && err.code.startsWith('SY_ERR_GROUP_');
}

/**
 * A consumer's membership in a group: join, a heartbeat loop that reports what it still owns and
 * receives its assignment (the server decides it, cooperatively), rejoin when fenced, and leave.
 */
export class GroupMember {
  memberId: string | undefined;
  generation = 0;
  #http: HttpClient;
  #o: GroupMemberOptions;
  #events: GroupMemberEvents;
  #intervalMs = 3000;
  #timer: NodeJS.Timeout | undefined;
  #beating = false;
  #again = false;
  #stopped = false;

  constructor(http: HttpClient, options: GroupMemberOptions, events: GroupMemberEvents) {
    this.#http = http;
    this.#o = options;
    this.#events = events;
  }

  /** Joins (or rejoins with the same member id) and starts heartbeating. */
  async join(): Promise<void> {
    const body: JoinGroupRequest = {
      streams: this.#o.streams,
      ...(this.memberId === undefined ? {} : { memberId: this.memberId }),
      ...(this.#o.strategy === undefined ? {} : { strategy: this.#o.strategy }),
      ...(this.#o.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: this.#o.sessionTimeoutMs }),
      ...(this.#o.clientId === undefined ? {} : { clientId: this.#o.clientId }),
    };
    const res = await this.#http.json<GroupAssignmentResponse>({
      method: 'POST',
      path: PATHS.members(this.#o.group),
      json: body,
      idempotent: this.memberId !== undefined,
    });
    this.#answer(res);
  }

  /** Heartbeats now instead of at the next interval (after releasing partitions, to speed a rebalance). */
  heartbeatNow(): void {
    if (this.#stopped || this.memberId === undefined) return;
    if (this.#beating) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    void this.#beat();
  }

  /** Stops heartbeating and leaves the group, freeing its partitions for the other members at once. */
  async leave(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.memberId === undefined) return;
    try {
      await this.#http.request({
        method: 'DELETE',
        path: PATHS.member(this.#o.group, this.memberId),
        retry: { retries: 2 },
      });
    } catch {
      // The session timeout removes the member anyway.
    }
  }

  #answer(res: GroupAssignmentResponse): void {
    this.memberId = res.memberId;
    this.generation = res.generation;
    if (res.heartbeatIntervalMs > 0) this.#intervalMs = res.heartbeatIntervalMs;
    this.#events.assigned(res);
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#beat(), this.#intervalMs);
  }

  async #beat(): Promise<void> {
    if (this.#stopped || this.memberId === undefined) return;
    this.#beating = true;
    try {
      const body: HeartbeatRequest = { generation: this.generation, owned: this.#events.owned() };
      const res = await this.#http.json<GroupAssignmentResponse>({
        method: 'POST',
        path: PATHS.heartbeat(this.#o.group, this.memberId),
        json: body,
        idempotent: true,
        retryIf: (e) => !isGroupError(e),
      });
      if (!this.#stopped) this.#answer(res);
    } catch (err) {
      if (this.#stopped) return;
      if (REJOIN.some((code) => isSwitchyardError(err, code))) {
        this.#events.lost();
        await this.join().catch((e: unknown) => this.#retryOrFail(e));
      } else this.#retryOrFail(err);
    } finally {
      this.#beating = false;
      if (this.#again) {
        this.#again = false;
        this.heartbeatNow();
      }
    }
  }

  #retryOrFail(err: unknown): void {
    if (isRetriable(err)) this.#schedule();
    else {
      this.#stopped = true;
      this.#events.failed(err);
    }
  }
}
