import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { batchProblem, encodeRecordBatch } from '@switchyard/protocol';
import { BatchCursor } from './batch-cursor.ts';
import { prng, tempDir } from './test-support.ts';

async function walk(path: string, verify: boolean): Promise<{ batches: Buffer[]; stop: string }> {
  const fd = fs.openSync(path, 'r');
  try {
    const cursor = new BatchCursor(fd, 0, fs.fstatSync(fd).size, verify);
    const batches: Buffer[] = [];
    while (await cursor.next())
      batches.push(Buffer.from(cursor.buf.subarray(cursor.pos, cursor.pos + cursor.size)));
    return { batches, stop: cursor.stop };
  } finally {
    fs.closeSync(fd);
  }
}

it('walks batches larger than its chunk and stops at zeros', async () => {
  const { dir, remove } = await tempDir();
  try {
    const big = encodeRecordBatch([{ value: Buffer.alloc(3 << 20, 1) }]);
    const small = encodeRecordBatch([{ value: Buffer.from('s') }]);
    fs.writeFileSync(join(dir, 'a'), Buffer.concat([small, big, small, Buffer.alloc(100)]));
    const { batches, stop } = await walk(join(dir, 'a'), true);
    assert.deepEqual(
      batches.map((b) => b.length),
      [small.length, big.length, small.length],
    );
    assert.equal(stop, 'end');
  } finally {
    await remove();
  }
});

it('never throws on seeded random garbage and yields only valid batches when verifying', async () => {
  const { dir, remove } = await tempDir();
  try {
    const rand = prng(42);
    const good = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
    for (let i = 0; i < 300; i++) {
      const parts: Buffer[] = [];
      for (let k = 0; k < 1 + rand() * 4; k++) {
        if (rand() < 0.5) parts.push(good);
        const junk = Buffer.alloc(Math.floor(rand() * 200));
        for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(rand() * 256);
        // Sometimes a plausible header: right magic, random length.
        if (junk.length > 20 && rand() < 0.5) {
          junk.writeInt32BE(Math.floor(rand() * 400) - 20, 8);
          junk[16] = 2;
        }
        parts.push(junk);
      }
      const path = join(dir, `g${i}`);
      fs.writeFileSync(path, Buffer.concat(parts));
      const { batches } = await walk(path, true);
      for (const b of batches) assert.equal(batchProblem(b, 0), null);
      await walk(path, false);
    }
  } finally {
    await remove();
  }
});
