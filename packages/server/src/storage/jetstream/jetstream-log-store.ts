/**
 * LogStore on JetStream (ADR 0006): one file-backed stream per partition, created on first open
 * by whichever node gets there first and shared by every node afterwards. The connection stays the
 * caller's: `close` closes the logs, not the connection.
 */
import type { JetStreamClient, JetStreamManager, NatsConnection, StreamInfo } from 'nats';
import { DiscardPolicy, RetentionPolicy, StorageType } from 'nats';
import type { LogStore, PartitionLog, PartitionLogConfig } from '../log-store.ts';
import { fromNatsError } from './jetstream-errors.ts';
import { JetStreamPartitionLog } from './jetstream-partition-log.ts';
import {
  partitionNotifySubject,
  partitionStreamName,
  partitionSubject,
  streamSubjectFilter,
} from './log-naming.ts';

/** Options of `new JetStreamLogStore(nc, options)`. */
export interface JetStreamLogOptions {
  /** Prefix of stream names and subjects, so several installations can share a cluster (default `sy`). */
  prefix?: string;
  /** Replicas of each partition stream when it is created (default 1; 3 on a 3-node cluster). */
  replicas?: number;
  /** JetStream request timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Forget idempotent producers idle this long, checked at `clean` (ms, default 86400000 as Kafka). */
  producerExpirationMs?: number;
}

function isStreamNotFound(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string } | null;
  return e?.api_error?.err_code === 10059 || /stream not found/i.test(e?.message ?? '');
}

/** A LogStore whose partitions are JetStream streams. */
export class JetStreamLogStore implements LogStore {
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #replicas: number;
  readonly #producerExpirationMs: number;
  readonly #js: JetStreamClient;
  #jsm: Promise<JetStreamManager>;
  readonly #logs = new Map<string, Promise<JetStreamPartitionLog>>();

  /** Uses an open connection; nothing is created until a partition is opened. */
  constructor(nc: NatsConnection, options: JetStreamLogOptions = {}) {
    this.#nc = nc;
    this.#prefix = options.prefix ?? 'sy';
    this.#replicas = options.replicas ?? 1;
    this.#producerExpirationMs = options.producerExpirationMs ?? 86_400_000;
    this.#js = nc.jetstream({ timeout: options.timeoutMs ?? 5000 });
    this.#jsm = nc.jetstreamManager({ timeout: options.timeoutMs ?? 5000 });
    this.#jsm.catch(() => {});
  }

  open(stream: string, partition: number, config: PartitionLogConfig): Promise<PartitionLog> {
    const key = `${stream}\u0000${partition}`;
    let log = this.#logs.get(key);
    if (log === undefined) {
      log = this.#open(stream, partition, config);
      this.#logs.set(key, log);
      log.catch(() => this.#logs.delete(key));
    }
    return log;
  }

  async drop(stream: string): Promise<void> {
    for (const [key, log] of this.#logs) {
      if (key.startsWith(`${stream}\u0000`)) {
        this.#logs.delete(key);
        await (await log.catch(() => null))?.close();
      }
    }
    const jsm = await this.#manager();
    try {
      const names: string[] = [];
      for await (const name of jsm.streams.names(streamSubjectFilter(this.#prefix, stream))) names.push(name);
      for (const name of names) await jsm.streams.delete(name);
    } catch (err) {
      throw fromNatsError(err, `drop ${stream}`);
    }
  }

  async close(): Promise<void> {
    const logs = [...this.#logs.values()];
    this.#logs.clear();
    for (const log of logs) await (await log.catch(() => null))?.close();
  }

  async #manager(): Promise<JetStreamManager> {
    try {
      return await this.#jsm;
    } catch (err) {
      this.#jsm = this.#nc.jetstreamManager();
      this.#jsm.catch(() => {});
      throw fromNatsError(err, 'connect to JetStream');
    }
  }

  async #open(stream: string, partition: number, config: PartitionLogConfig): Promise<JetStreamPartitionLog> {
    const jsm = await this.#manager();
    const streamName = partitionStreamName(this.#prefix, stream, partition);
    const subject = partitionSubject(this.#prefix, stream, partition);
    const notify = partitionNotifySubject(this.#prefix, stream, partition);
    let info: StreamInfo;
    try {
      info = await jsm.streams.info(streamName);
    } catch (err) {
      if (!isStreamNotFound(err)) throw fromNatsError(err, `stream info ${streamName}`);
      try {
        info = await jsm.streams.add({
          allow_direct: true,
          republish: { src: subject, dest: notify, headers_only: true },
          name: streamName,
          subjects: [subject],
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          num_replicas: this.#replicas,
        });
      } catch (addErr) {
        // Another node may have created it between our info and add.
        info = await jsm.streams.info(streamName).catch(() => {
          throw fromNatsError(addErr, `create stream ${streamName}`);
        });
      }
    }
    return JetStreamPartitionLog.open(
      {
        nc: this.#nc,
        js: this.#js,
        jsm,
        stream,
        partition,
        streamName,
        subject,
        direct: info.config.allow_direct === true,
        notifySubject: info.config.republish?.dest ?? subject,
        producerExpirationMs: this.#producerExpirationMs,
      },
      config,
    );
  }
}
