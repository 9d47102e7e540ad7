import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { EmbeddedKvStore } from './kv/embedded-kv-store.ts';
import { tempDir } from './log/test-support.ts';
import { lockWithPidFile } from './pid-lock.ts';

const conflict = (err: unknown) => isSwitchyardError(err, 'SY_ERR_STORAGE_LOCKED');

describe('pid-file lock', () => {
  it('refuses a live holder, takes over a dead one, and releases only its own lock', async () => {
    const { dir, remove } = await tempDir();
    try {
      const path = join(dir, 'LOCK');
      fs.writeFileSync(path, '1'); // pid 1 is always alive
      assert.throws(() => lockWithPidFile(dir, 'LOCK', 'refuse'), conflict);
      fs.writeFileSync(path, '2147483646'); // no such process
      const release = lockWithPidFile(dir, 'LOCK', 'refuse');
      assert.equal(fs.readFileSync(path, 'utf8'), String(process.pid));
      assert.throws(() => lockWithPidFile(dir, 'LOCK', 'refuse'), conflict);
      const again = lockWithPidFile(dir, 'LOCK', 'take-over');
      again();
      assert.equal(fs.existsSync(path), false);
      fs.writeFileSync(path, '1');
      release(); // another process's lock now: left alone
      assert.equal(fs.readFileSync(path, 'utf8'), '1');
    } finally {
      await remove();
    }
  });

  it('keeps a second embedded KV off an open directory until the first closes', async () => {
    const { dir, remove } = await tempDir();
    try {
      const kv = await EmbeddedKvStore.open({ dir });
      await assert.rejects(EmbeddedKvStore.open({ dir }), conflict);
      await kv.close();
      const next = await EmbeddedKvStore.open({ dir });
      await next.close();
    } finally {
      await remove();
    }
  });
});
