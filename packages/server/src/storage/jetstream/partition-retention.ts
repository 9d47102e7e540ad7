/**
 * Retention of a JetStream partition, run by `clean(now)` like the embedded engine's cleaner:
 * drop the oldest messages whose newest record is older than `retentionMs`, and the oldest while
 * the partition is over `retentionBytes`, by one purge up to a stream sequence. The newest message
 * always stays: 2.9 cannot start a stream at a chosen sequence, so it is what keeps the next offset.
 * Nothing goes unless the cleanup policy includes `delete` (a compact-only stream keeps the latest
 * record of every key however old, as in Kafka).
 */
import type { PartitionLogConfig } from '../log-store.ts';
import { fromNatsError } from './jetstream-errors.ts';
import type { PartitionAddress } from './jetstream-partition-log.ts';
import type { MessageIndex } from './message-index.ts';

/** Purges what retention allows; updates `index`; resolves with the payload bytes freed. */
export async function cleanPartition(
  addr: Pick<PartitionAddress, 'jsm' | 'streamName'>,
  index: MessageIndex,
  config: PartitionLogConfig,
  now: number,
): Promise<number> {
  if (!config.cleanupPolicy.includes('delete')) return 0;
  let drop = 0;
  let remaining = index.bytes;
  while (drop < index.length - 1) {
    const m = index.at(drop)!;
    const expired = config.retentionMs !== null && m.maxTimestamp < now - config.retentionMs;
    const oversize = config.retentionBytes !== null && remaining - m.bytes >= config.retentionBytes;
    if (!expired && !oversize) break;
    remaining -= m.bytes;
    drop += 1;
  }
  if (drop === 0) return 0;
  const keep = index.at(drop)!;
  try {
    await addr.jsm.streams.purge(addr.streamName, { seq: keep.seq });
  } catch (err) {
    throw fromNatsError(err, `purge ${addr.streamName}`);
  }
  return index.dropFront(drop);
}
