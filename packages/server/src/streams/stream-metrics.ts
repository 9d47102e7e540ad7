import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { PartitionLog } from '../storage/log-store.ts';

/** Prometheus metrics of streams: produce/fetch rates, append latency, partition offsets and sizes. */
export class StreamMetrics {
  readonly #records: Counter<'stream'>;
  readonly #bytes: Counter<'stream'>;
  readonly #fetchBytes: Counter<'stream'>;
  readonly #appendSeconds: Histogram<'stream'>;
  readonly #waitingPolls: Gauge;
  readonly #tracked = new Map<string, readonly PartitionLog[]>();
  readonly #children = new Map<
    string,
    {
      records: ReturnType<Counter<'stream'>['labels']>;
      bytes: ReturnType<Counter<'stream'>['labels']>;
      fetch: ReturnType<Counter<'stream'>['labels']>;
      append: ReturnType<Histogram<'stream'>['labels']>;
    }
  >();

  constructor(registry: Registry) {
    const registers = [registry];
    this.#records = new Counter({
      name: 'switchyard_produce_records_total',
      help: 'Records appended',
      labelNames: ['stream'],
      registers,
    });
    this.#bytes = new Counter({
      name: 'switchyard_produce_bytes_total',
      help: 'Record batch bytes appended',
      labelNames: ['stream'],
      registers,
    });
    this.#fetchBytes = new Counter({
      name: 'switchyard_fetch_bytes_total',
      help: 'Record batch bytes served to consumers',
      labelNames: ['stream'],
      registers,
    });
    this.#appendSeconds = new Histogram({
      name: 'switchyard_append_duration_seconds',
      help: 'Time from append call to durable acknowledgement, per partition append',
      labelNames: ['stream'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    });
    this.#waitingPolls = new Gauge({
      name: 'switchyard_fetch_waiting_polls',
      help: 'Fetches long polling for data right now (as Kafka fetch purgatory size)',
      registers,
    });
    const tracked = this.#tracked;
    const gauge = (name: string, help: string, read: (log: PartitionLog) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['stream', 'partition'],
        registers,
        collect() {
          this.reset();
          for (const [stream, logs] of tracked) {
            logs.forEach((log, partition) => {
              this.set({ stream, partition }, read(log));
            });
          }
        },
      });
    gauge(
      'switchyard_partition_end_offset',
      'Offset the next record of the partition gets',
      (l) => l.endOffset,
    );
    gauge('switchyard_partition_start_offset', 'Lowest offset still stored', (l) => l.startOffset);
    gauge('switchyard_partition_size_bytes', 'Bytes stored for the partition', (l) => l.sizeBytes);
  }

  #child(stream: string) {
    let c = this.#children.get(stream);
    if (c === undefined) {
      c = {
        records: this.#records.labels(stream),
        bytes: this.#bytes.labels(stream),
        fetch: this.#fetchBytes.labels(stream),
        append: this.#appendSeconds.labels(stream),
      };
      this.#children.set(stream, c);
    }
    return c;
  }

  /** Starts reporting the partitions of a stream. */
  track(stream: string, logs: readonly PartitionLog[]): void {
    this.#tracked.set(stream, logs);
  }

  /** Stops reporting a deleted stream. */
  untrack(stream: string): void {
    this.#tracked.delete(stream);
    this.#children.delete(stream);
    for (const m of [this.#records, this.#bytes, this.#fetchBytes]) m.remove(stream);
    this.#appendSeconds.remove(stream);
  }

  /** Records one durable append. */
  produced(stream: string, records: number, bytes: number, ms: number): void {
    const c = this.#child(stream);
    c.records.inc(records);
    c.bytes.inc(bytes);
    c.append.observe(ms / 1000);
  }

  /** A long poll starts (+1) or stops (-1) waiting. */
  waiting(delta: 1 | -1): void {
    this.#waitingPolls.inc(delta);
  }

  /** Records bytes served by a fetch. */
  fetched(stream: string, bytes: number): void {
    if (bytes > 0) this.#child(stream).fetch.inc(bytes);
  }
}
