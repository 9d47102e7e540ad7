/**
 * Snapshots of the embedded KV: every live entry as a put frame, closed by an END frame carrying
 * the snapshot's revision. Written to a temp file, fsynced, then renamed, so a `.snap` file is
 * either whole or absent; a `.snap` that does not parse to its END frame is corruption, not a tear.
 */
import { open as openFile, readFile, rename } from 'node:fs/promises';
import { syError } from '@switchyard/protocol';
import { fsyncDir, snapshotPath } from './kv-files.ts';
import { encodeFrame, type KvFrame, OP_END, OP_PUT, parseFrames, SNAPSHOT_MAGIC } from './kv-frame.ts';

/** One live entry as the store keeps it. */
export interface StoredEntry {
  value: Buffer;
  revision: number;
}

/** The bytes of a snapshot of `entries` at `revision`; built synchronously so it captures one moment. */
export function encodeSnapshot(entries: ReadonlyMap<string, StoredEntry>, revision: number): Buffer {
  const parts: Buffer[] = [SNAPSHOT_MAGIC];
  for (const [key, e] of entries) parts.push(encodeFrame(OP_PUT, e.revision, key, e.value));
  const count = Buffer.allocUnsafe(4);
  count.writeUInt32BE(entries.size, 0);
  parts.push(encodeFrame(OP_END, revision, '', count));
  return Buffer.concat(parts);
}

/** Writes snapshot `gen` durably (temp file, fsync, rename, directory fsync). */
export async function writeSnapshot(dir: string, gen: number, bytes: Buffer, fsync: boolean): Promise<void> {
  const final = snapshotPath(dir, gen);
  const temp = `${final}.tmp`;
  const handle = await openFile(temp, 'w');
  try {
    await handle.writeFile(bytes);
    if (fsync) await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temp, final);
  if (fsync) fsyncDir(dir);
}

/** Reads snapshot `gen`: its put frames and revision. Throws `SY_ERR_STORAGE_CORRUPT` if it is not whole. */
export async function readSnapshot(
  dir: string,
  gen: number,
): Promise<{ frames: KvFrame[]; revision: number }> {
  const path = snapshotPath(dir, gen);
  const buf = await readFile(path);
  if (buf.length < SNAPSHOT_MAGIC.length || !buf.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) {
    throw syError('SY_ERR_STORAGE_CORRUPT', { reason: `${path} is not a Switchyard KV snapshot` });
  }
  const { frames, validEnd } = parseFrames(buf, SNAPSHOT_MAGIC.length);
  const end = frames.pop();
  if (
    validEnd !== buf.length ||
    end === undefined ||
    end.op !== OP_END ||
    end.value.readUInt32BE(0) !== frames.length
  ) {
    throw syError('SY_ERR_STORAGE_CORRUPT', {
      reason: `${path} is damaged at byte ${validEnd} of ${buf.length}`,
    });
  }
  return { frames, revision: end.revision };
}
