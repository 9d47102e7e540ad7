/**
 * Reads the headers of a range of stored partition messages: a few by direct sequence lookups
 * sent together, many through a headers-only ordered consumer (one request stream, no payloads).
 */
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from 'nats';
import { fromNatsError } from './jetstream-errors.ts';
import { decodeMeta, type MessageMeta, type ProducerBatch } from './log-message-meta.ts';

/** One scanned message. */
export interface ScannedMessage {
  meta: MessageMeta;
  producers: ProducerBatch[];
}

const LOOKUP_LIMIT = 32;

function isNotFound(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string } | null;
  return e?.api_error?.err_code === 10037 || /no message found/i.test(e?.message ?? '');
}

/** Metadata of the messages with sequences `fromSeq..toSeq` (inclusive) that still exist, in order. */
export async function scanMessages(
  js: JetStreamClient,
  jsm: JetStreamManager,
  streamName: string,
  fromSeq: number,
  toSeq: number,
): Promise<ScannedMessage[]> {
  if (toSeq < fromSeq) return [];
  if (toSeq - fromSeq < LOOKUP_LIMIT) {
    const seqs = Array.from({ length: toSeq - fromSeq + 1 }, (_, i) => fromSeq + i);
    const found = await Promise.all(
      seqs.map(async (seq) => {
        try {
          const sm = await jsm.streams.getMessage(streamName, { seq });
          return decodeMeta(sm.seq, sm.data.length, (n) => sm.header.get(n));
        } catch (err) {
          if (isNotFound(err)) return null;
          throw fromNatsError(err, `read ${streamName} #${seq}`);
        }
      }),
    );
    return found.filter((m): m is ScannedMessage => m !== null);
  }
  const out: ScannedMessage[] = [];
  try {
    const consumer = await js.consumers.get(streamName, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
      headers_only: true,
    });
    const messages = await consumer.consume({ max_messages: 1000 });
    for await (const m of messages) {
      const h = m.headers;
      const size = Number(h?.get('Nats-Msg-Size') ?? m.data.length);
      const scanned = decodeMeta(m.seq, size, (n) => h?.get(n) ?? '');
      if (scanned !== null && m.seq <= toSeq) out.push(scanned);
      if (m.seq >= toSeq || m.info.pending === 0) break;
    }
    await messages.close();
  } catch (err) {
    throw fromNatsError(err, `scan ${streamName}`);
  }
  return out;
}
