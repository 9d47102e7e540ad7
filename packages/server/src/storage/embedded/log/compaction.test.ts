import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type DecodedRecord, encodeRecordBatch } from '@switchyard/protocol';
import { readAll } from '../../contract/log-contract.ts';
import { type CompactionStep, compactSegment } from './compaction.ts';
import { EmbeddedLogStore } from './index.ts';
import { openSealedSegment } from './recovery.ts';
import { partitionDir, segmentFiles, tempDir, testConfig } from './test-support.ts';

const CONFIG = testConfig({ segmentBytes: 400, cleanupPolicy: 'compact' });
const STEPS: CompactionStep[] = [
  'log-written',
  'indexes-written',
  'index-swap',
  'indexes-swap',
  'committed',
  'index-replaced',
  'replaced',
];
const COMMITTED = new Set<CompactionStep>(['committed', 'index-replaced', 'replaced']);

const view = (records: readonly DecodedRecord[]) =>
  records.map((r) => `${r.offset}:${r.key?.toString()}=${r.value === null ? 'null' : r.value.toString()}`);

async function readLog(dataDir: string): Promise<DecodedRecord[]> {
  const store = await EmbeddedLogStore.open({ dataDir });
  try {
    return await readAll(await store.open('c', 0, CONFIG), 0);
  } finally {
    await store.close();
  }
}

describe('compaction', () => {
  it('is crash-safe at every step of the segment swap', async () => {
    const { dir, remove } = await tempDir();
    try {
      const src = join(dir, 'src');
      const store = await EmbeddedLogStore.open({ dataDir: src, preallocate: 'off' });
      const log = await store.open('c', 0, CONFIG);
      for (let i = 0; i < 40; i++) {
        await log.append(encodeRecordBatch([{ key: Buffer.from(`k${i % 4}`), value: Buffer.from(`v${i}`) }]));
      }
      await store.close();
      const original = await readLog(src);
      const files = await segmentFiles(partitionDir(src, 'c'));
      const base0 = 0;
      const base1 = Number(files[1]!.slice(-24, -4));
      const latest = new Map<string, number>();
      for (const r of original) latest.set(r.key!.toString('latin1'), r.offset);
      const compacted = original.filter(
        (r) => r.offset >= base1 || latest.get(r.key!.toString('latin1')) === r.offset,
      );
      assert.ok(compacted.length < original.length, 'the first segment has superseded records');

      for (const step of STEPS) {
        const dst = join(dir, step);
        await fs.cp(src, dst, { recursive: true });
        const seg = await openSealedSegment(partitionDir(dst, 'c'), base0, base1, 4096);
        await assert.rejects(
          compactSegment(seg, latest, {
            tombstoneBefore: Number.NEGATIVE_INFINITY,
            interval: 4096,
            crashAfter: step,
          }),
          /simulated crash/,
        );
        seg.retire();
        const after = await readLog(dst);
        assert.deepEqual(
          view(after),
          view(COMMITTED.has(step) ? compacted : original),
          `crash after ${step}`,
        );
        const leftovers = (await fs.readdir(partitionDir(dst, 'c'))).filter((n) => /cleaned|swap/.test(n));
        assert.deepEqual(leftovers, [], `no temporary files after recovery from ${step}`);
      }
    } finally {
      await remove();
    }
  });

  it('keeps keyless records and never touches the active segment', async () => {
    const { dir, remove } = await tempDir();
    try {
      const store = await EmbeddedLogStore.open({ dataDir: dir });
      const log = await store.open('c', 0, CONFIG);
      for (let i = 0; i < 30; i++) {
        const key = i % 3 === 0 ? null : Buffer.from('same');
        await log.append(encodeRecordBatch([{ key, value: Buffer.from(`v${i}`) }]));
      }
      await log.clean(Date.now());
      const records = await readAll(log, 0);
      assert.equal(records.filter((r) => r.key === null).length, 10, 'keyless records stay');
      const last = records[records.length - 1]!;
      assert.equal(last.value?.toString(), 'v29');
      await store.close();
    } finally {
      await remove();
    }
  });
});
