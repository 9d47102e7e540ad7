/**
 * File names and directory chores of the embedded KV: `wal-<gen>.log` and `snap-<gen>.snap` (gen
 * zero-padded, so names sort by generation), the directory fsync that makes creates and renames
 * durable, the `LOCK` file that keeps a second process out, and errno → catalogue mapping.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type SwitchyardError, syError } from '@switchyard/protocol';

const GEN_DIGITS = 16;

/** Path of the WAL of generation `gen`. */
export function walPath(dir: string, gen: number): string {
  return join(dir, `wal-${String(gen).padStart(GEN_DIGITS, '0')}.log`);
}

/** Path of the snapshot of generation `gen`. */
export function snapshotPath(dir: string, gen: number): string {
  return join(dir, `snap-${String(gen).padStart(GEN_DIGITS, '0')}.snap`);
}

/** The generations of WAL and snapshot files in `dir`, ascending, plus leftover temp files. */
export function listGenerations(dir: string): { wals: number[]; snapshots: number[]; temps: string[] } {
  const wals: number[] = [];
  const snapshots: number[] = [];
  const temps: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^(wal|snap)-(\d+)\.(log|snap)$/.exec(name);
    if (m !== null) (m[1] === 'wal' ? wals : snapshots).push(Number(m[2]));
    else if (name.endsWith('.tmp')) temps.push(join(dir, name));
  }
  const asc = (a: number, b: number): number => a - b;
  return { wals: wals.sort(asc), snapshots: snapshots.sort(asc), temps };
}

/** Makes creates, renames and unlinks in `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const heldHere = new Set<string>();

/** Takes the directory's `LOCK` (a pid file); a lock left by a dead process is taken over. Returns the release function. */
export function lockDir(dir: string): () => void {
  const path = join(dir, 'LOCK');
  if (heldHere.has(path))
    throw syError('SY_ERR_STORAGE_UNWRITABLE', { reason: `${dir} is already open in this process` });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      heldHere.add(path);
      return () => {
        heldHere.delete(path);
        try {
          unlinkSync(path);
        } catch {}
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw storageError(err, `cannot lock ${dir}`);
      const owner = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw syError('SY_ERR_STORAGE_UNWRITABLE', { reason: `${dir} is in use by process ${owner}` });
      }
      unlinkSync(path);
    }
  }
  throw syError('SY_ERR_STORAGE_UNWRITABLE', { reason: `cannot lock ${dir}` });
}

/** Maps a file-system error to the catalogue: a full disk, else an unwritable data directory. */
export function storageError(err: unknown, what: string): SwitchyardError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = `${what}: ${(err as Error).message}`;
  if (code === 'ENOSPC' || code === 'EDQUOT') return syError('SY_ERR_STORAGE_FULL', { reason }, err);
  return syError('SY_ERR_STORAGE_UNWRITABLE', { reason }, err);
}
