/**
 * Key compaction of a JetStream partition at message granularity (ADR 0006). JetStream cannot
 * rewrite a stored message, so a message is deleted only when every record in it is superseded
 * by a later record with the same key, or is a tombstone older than `deleteRetentionMs` that is
 * still its key's latest record. Offsets never change; the newest message always stays.
 * With one keyed record per append (a changelog) this is Kafka's compaction; a message mixing
 * live and dead records keeps them all until the live ones are superseded too.
 */
import { BATCH_LOG_OVERHEAD, forEachRecord, readBatchHeader } from '@switchyard/protocol';
import type { PartitionLogConfig } from '../log-store.ts';
import { fromNatsError } from './jetstream-errors.ts';
import type { PartitionAddress } from './jetstream-partition-log.ts';
import type { MessageMeta } from './log-message-meta.ts';
import type { MessageIndex } from './message-index.ts';
import { fetchPayloads } from './partition-read.ts';

const FETCH_CHUNK = 64;

interface RecordInfo {
  key: string | null;
  offset: number;
  timestamp: number;
  tombstone: boolean;
}

function recordsOf(payload: Buffer): RecordInfo[] {
  const out: RecordInfo[] = [];
  for (let pos = 0; pos + BATCH_LOG_OVERHEAD <= payload.length; pos += readBatchHeader(payload, pos).size) {
    forEachRecord(payload, pos, (r) => {
      out.push({
        key: r.key?.toString('latin1') ?? null,
        offset: r.offset,
        timestamp: r.timestamp,
        tombstone: r.value === null,
      });
    });
  }
  return out;
}

/** Deletes the messages compaction allows; updates `index`; resolves with the payload bytes freed. */
export async function compactPartition(
  addr: Pick<PartitionAddress, 'jsm' | 'streamName' | 'direct'>,
  index: MessageIndex,
  config: PartitionLogConfig,
  now: number,
): Promise<number> {
  const metas: MessageMeta[] = [];
  for (let i = 0; i < index.length; i++) metas.push(index.at(i)!);
  if (metas.length < 2) return 0;
  const records: RecordInfo[][] = [];
  for (let i = 0; i < metas.length; i += FETCH_CHUNK) {
    const payloads = await fetchPayloads(
      addr.jsm,
      addr.streamName,
      metas.slice(i, i + FETCH_CHUNK),
      addr.direct,
    );
    if (payloads === null) return 0; // retention ran elsewhere meanwhile; the next clean catches up first
    for (const p of payloads) records.push(recordsOf(p));
  }
  const latest = new Map<string, number>();
  for (const list of records) for (const r of list) if (r.key !== null) latest.set(r.key, r.offset);
  const doomed = new Set<number>();
  for (let i = 0; i < metas.length - 1; i++) {
    const dead = records[i]!.every((r) => {
      if (r.key === null) return false;
      if (latest.get(r.key)! > r.offset) return true;
      return r.tombstone && now - r.timestamp > config.deleteRetentionMs;
    });
    if (dead) doomed.add(metas[i]!.seq);
  }
  if (doomed.size === 0) return 0;
  try {
    await Promise.all([...doomed].map((seq) => addr.jsm.streams.deleteMessage(addr.streamName, seq, false)));
  } catch (err) {
    throw fromNatsError(err, `compact ${addr.streamName}`);
  }
  return index.removeSeqs(doomed);
}
