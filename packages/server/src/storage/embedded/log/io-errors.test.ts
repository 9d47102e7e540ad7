import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSwitchyardError } from '@switchyard/protocol';
import { readAll, textBatch } from '../../contract/log-contract.ts';
import { EmbeddedLogStore } from './index.ts';
import { tempDir, testConfig } from './test-support.ts';

const CHILD = fileURLToPath(new URL('./io-child.fixture.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const isRoot = process.getuid?.() === 0;

function runChild(
  args: string[],
  options: { shellPrefix?: string; uid?: number } = {},
): Record<string, unknown> {
  const node = [process.execPath, '--import', TSX, CHILD, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('sh', ['-c', `${options.shellPrefix ?? ''} exec ${node}`], {
    encoding: 'utf8',
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  assert.ok(line.startsWith('{'), `child printed no result: ${r.stdout} ${r.stderr}`);
  return JSON.parse(line) as Record<string, unknown>;
}

async function expectIntact(dataDir: string, endOffset: number): Promise<void> {
  const store = await EmbeddedLogStore.open({ dataDir });
  try {
    const log = await store.open('io', 0, testConfig({ segmentBytes: 64 * 1024 * 1024 }));
    assert.equal(log.endOffset, endOffset, 'every acknowledged record and nothing else');
    assert.equal((await readAll(log, 0)).length, endOffset);
    assert.equal((await log.append(textBatch('after', 2))).baseOffset, endOffset, 'appends work once fixed');
  } finally {
    await store.close();
  }
}

function tryMount(target: string, options: string): boolean {
  if (!isRoot) return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', target]).status === 0;
}

describe('storage errors', () => {
  it('reports a file-size limit (EFBIG) as STORAGE_FULL and leaves the log intact', async () => {
    const { dir, remove } = await tempDir();
    try {
      const out = runChild(['fill', dir], { shellPrefix: "ulimit -S -f 2048; trap '' XFSZ;" });
      assert.equal(out.code, 'SY_ERR_STORAGE_FULL');
      assert.equal(out.readable, true, 'the failed append left no partial data');
      await expectIntact(dir, out.endOffset as number);
    } finally {
      await remove();
    }
  });

  it('reports a full disk (ENOSPC) as STORAGE_FULL and recovers once space is freed', async (t) => {
    const { dir, remove } = await tempDir();
    if (!tryMount(dir, 'size=3m')) {
      await remove();
      t.skip('needs root to mount a small tmpfs');
      return;
    }
    let store: EmbeddedLogStore | undefined;
    try {
      await fs.writeFile(join(dir, 'ballast'), Buffer.alloc(1024 * 1024));
      store = await EmbeddedLogStore.open({ dataDir: dir, preallocate: 'off' });
      const log = await store.open('io', 0, testConfig({ segmentBytes: 256 * 1024 }));
      let failure: unknown = null;
      for (let i = 0; i < 5000 && failure === null; i++) {
        await log.append(textBatch(`x${i}-${'y'.repeat(100)}`, 20)).catch((err: unknown) => {
          failure = err;
        });
      }
      assert.ok(isSwitchyardError(failure, 'SY_ERR_STORAGE_FULL'), String(failure));
      const end = log.endOffset;
      assert.equal((await readAll(log, 0)).length, end);
      await fs.rm(join(dir, 'ballast'));
      assert.equal((await log.append(textBatch('after', 2))).baseOffset, end);
      await store.close();
      await expectIntact(dir, end + 2);
    } finally {
      await store?.close();
      execFileSync('umount', [dir]);
      await remove();
    }
  });

  it('reports a read-only file system (EROFS) as STORAGE_UNWRITABLE and works once writable', async (t) => {
    const { dir, remove } = await tempDir();
    if (!tryMount(dir, 'size=8m,ro')) {
      await remove();
      t.skip('needs root to mount a tmpfs');
      return;
    }
    try {
      await assert.rejects(EmbeddedLogStore.open({ dataDir: dir }), (err) =>
        isSwitchyardError(err, 'SY_ERR_STORAGE_UNWRITABLE'),
      );
      execFileSync('mount', ['-o', 'remount,rw', dir]);
      await expectIntact(dir, 0);
    } finally {
      execFileSync('umount', [dir]);
      await remove();
    }
  });

  it('reports a data directory without write permission (EACCES) as STORAGE_UNWRITABLE', async (t) => {
    if (!isRoot) {
      t.skip('runs the engine as an unprivileged user, which needs root');
      return;
    }
    const { dir, remove } = await tempDir();
    try {
      await fs.chmod(dir, 0o755);
      const out = runChild(['open', join(dir, 'data')], { uid: 65534 });
      assert.equal(out.code, 'SY_ERR_STORAGE_UNWRITABLE');
    } finally {
      await remove();
    }
  });
});
