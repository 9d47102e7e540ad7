/** Helpers of the LogStore contract suite, also handy in adapter tests. */
import assert from 'node:assert/strict';
import {
  type BatchOptions,
  type DecodedRecord,
  decodeBatches,
  encodeRecordBatch,
  isSwitchyardError,
  type RecordInput,
} from '@switchyard/protocol';
import type { LogStore, PartitionLog, PartitionLogConfig } from '../log-store.ts';

/** What an adapter hands the suite for one test: a fresh store, optionally a way to reopen it, and cleanup. */
export interface LogStoreFixture {
  store: LogStore;
  /** Closes nothing itself: the suite closes `store` first, then calls this to open the same data again. */
  reopen?: () => Promise<LogStore>;
  cleanup: () => Promise<void>;
}

/** Default partition config of the suite: large segments, no retention. */
export const CONTRACT_CONFIG: PartitionLogConfig = {
  segmentBytes: 1024 * 1024,
  segmentMs: null,
  retentionMs: null,
  retentionBytes: null,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86_400_000,
};

/** Base timestamp of the suite's records. */
export const T0 = 1_700_000_000_000;

/** A batch of `count` records with values `${prefix}-${i}`. */
export function textBatch(prefix: string, count: number, options: BatchOptions = {}): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) records.push({ key: null, value: Buffer.from(`${prefix}-${i}`) });
  return encodeRecordBatch(records, { timestamp: T0, ...options });
}

/** Every record in `data` at or after `from`. */
export function recordsFrom(data: Buffer, from: number): DecodedRecord[] {
  return decodeBatches(data).filter((r) => r.offset >= from);
}

/** Reads the whole partition from `from` through `nextOffset` steps. */
export async function readAll(
  log: PartitionLog,
  from = log.startOffset,
  maxBytes = 64 * 1024,
): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  let offset = from;
  for (;;) {
    const r = await log.read(offset, maxBytes);
    if (r.data.length === 0) break;
    const records = recordsFrom(r.data, offset);
    out.push(...records);
    assert.ok(r.nextOffset > offset, 'nextOffset advances after a non-empty read');
    offset = r.nextOffset;
  }
  return out;
}

/** Record values as strings ('<null>' for a null value). */
export function values(records: readonly DecodedRecord[]): string[] {
  return records.map((r) => (r.value === null ? '<null>' : r.value.toString()));
}

/** Asserts that `promise` rejects with a SwitchyardError of `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isSwitchyardError(err), `expected a SwitchyardError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

/** Makes a fresh fixture per test. */
export type Factory = () => Promise<LogStoreFixture>;

/** Runs `fn` on partition 0 of stream `contract` of a fresh store, then closes and cleans up. */
export async function withLog(
  makeStore: Factory,
  config: PartitionLogConfig,
  fn: (log: PartitionLog, fx: LogStoreFixture) => Promise<void>,
): Promise<void> {
  const fx = await makeStore();
  try {
    const log = await fx.store.open('contract', 0, config);
    await fn(log, fx);
  } finally {
    await fx.store.close().catch(() => {});
    await fx.cleanup();
  }
}
