import fs from 'node:fs';
import { join } from 'node:path';
import { readBatchHeader } from '@switchyard/protocol';
import type { ProducerStateTable } from '../../producer-state.ts';
import { BatchCursor } from './batch-cursor.ts';
import { segmentFileName } from './file-io.ts';
import type { Segment } from './segment.ts';

const SNAPSHOT = /^(\d{20})\.snapshot$/;
const KEEP = 2;

/**
 * Writes the producer state as of `offset` to `<offset>.snapshot` (write, fsync, rename), keeping
 * the newest two. Written at each roll and at close, so a restart replays at most one segment.
 */
export async function writeProducerSnapshot(
  dir: string,
  table: ProducerStateTable,
  offset: number,
): Promise<void> {
  const final = join(dir, segmentFileName(offset, '.snapshot'));
  const tmp = `${final}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(table.encode(offset));
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, final);
  const names = (await fs.promises.readdir(dir)).filter((n) => SNAPSHOT.test(n)).sort();
  for (const old of names.slice(0, Math.max(0, names.length - KEEP)))
    await fs.promises.rm(join(dir, old), { force: true });
}

/**
 * Restores producer state: the newest readable snapshot at or below `end`, then every idempotent
 * batch from its offset to the end of the log, replayed from batch headers.
 */
export async function restoreProducerState(
  dir: string,
  table: ProducerStateTable,
  segments: readonly Segment[],
  end: number,
  now: number,
): Promise<void> {
  const names = (await fs.promises.readdir(dir))
    .filter((n) => SNAPSHOT.test(n))
    .sort()
    .reverse();
  let from = segments[0]?.baseOffset ?? 0;
  for (const name of names) {
    if (Number(name.slice(0, 20)) > end) continue;
    try {
      from = table.load(await fs.promises.readFile(join(dir, name)));
      break;
    } catch {
      // A torn snapshot: try the older one, else replay the log from its start.
    }
  }
  table.truncateFrom(from);
  for (const seg of segments) {
    if (seg.nextOffset <= from) continue;
    const start = from > seg.baseOffset ? await seg.positionFor(from) : 0;
    const cursor = new BatchCursor(seg.fd, start, seg.size, false);
    while (await cursor.next()) {
      if (cursor.buf.readInt32BE(cursor.pos + 43) < 0) continue;
      const h = readBatchHeader(cursor.buf, cursor.pos);
      if (h.producerId >= 0 && h.baseOffset >= from) table.apply(h, h.baseOffset, now);
    }
  }
}
