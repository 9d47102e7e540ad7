import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { LogObserver } from '../storage/embedded/log/options.ts';
import type { GroupCoordinator } from '../streams/groups/group-coordinator.ts';
import type { Streams } from '../streams/streams.ts';

/** Wires the log engine's hooks to Prometheus: fsync latency, appended bytes, recoveries. */
export function storageObserver(registry: Registry, log: Logger): LogObserver {
  const fsync = new Histogram({
    name: 'switchyard_fsync_duration_seconds',
    help: 'Duration of each group-commit fdatasync',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
    registers: [registry],
  });
  const written = new Counter({
    name: 'switchyard_log_written_bytes_total',
    help: 'Bytes written to partition logs',
    registers: [registry],
  });
  const recovered = new Counter({
    name: 'switchyard_log_recovery_truncated_bytes_total',
    help: 'Bytes of torn or corrupt tails cut off at start',
    registers: [registry],
  });
  return {
    onFsync(ms, bytes) {
      if (ms > 0) fsync.observe(ms / 1000);
      written.inc(bytes);
    },
    onRecovery(stream, partition, bytes) {
      recovered.inc(bytes);
      log.warn({ stream, partition, truncatedBytes: bytes }, 'recovery truncated a torn or corrupt tail');
    },
  };
}

/** Registers consumer-group lag per partition, computed at scrape time. */
export function registerGroupMetrics(registry: Registry, groups: GroupCoordinator, streams: Streams): void {
  new Gauge({
    name: 'switchyard_group_lag',
    help: 'Records between the group committed offset and the partition end',
    labelNames: ['group', 'stream', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const summary of await groups.list()) {
        const description = await groups.describe(summary.group, (stream, partition) => {
          const end = streams.endOffsets(stream)?.[partition];
          const start = streams.startOffsets(stream)?.[partition];
          return end === undefined || start === undefined ? undefined : { start, end };
        });
        for (const p of description.partitions) {
          if (p.lag !== null)
            this.set({ group: summary.group, stream: p.stream, partition: p.partition }, p.lag);
        }
      }
    },
  });
}
