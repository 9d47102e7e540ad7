/**
 * File names and directory chores of the embedded KV: `wal-<gen>.log` and `snap-<gen>.snap` (gen
 * zero-padded, so names sort by generation), the directory fsync that makes creates and renames
 * durable.
 */
import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
