// Disk full and an unwritable data directory, on real file systems: small tmpfs mounts (needs root,
// as CI has; skipped with the reason otherwise). Full disk must give a clear 507, no corruption,
// and writes must work again once space is back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawnServer } from './helpers/spawn-server.ts';

function mount(dir: string, options: string): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}
function umount(dir: string): void {
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}

const probe = mkdtempSync(join(tmpdir(), 'switchyard-mount-probe-'));
const canMount = mount(probe, 'size=1m');
if (canMount) umount(probe);
rmSync(probe, { recursive: true, force: true });
const skip = canMount ? false : 'mounting a tmpfs needs root (CI runs as root)';

describe('storage faults', { skip }, () => {
  it('refuses to start on a read-only data directory with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-ro-'));
    assert.ok(mount(dir, 'ro,size=1m'));
    try {
      await assert.rejects(spawnServer({ dataDir: join(dir, 'data') }), (err: Error) => {
        assert.match(err.message, /SY_ERR_STORAGE_UNWRITABLE/);
        assert.match(err.message, /read-only|EROFS|cannot be written/i);
        return true;
      });
    } finally {
      umount(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 507 when the disk is full, keeps every acknowledged record, and recovers when space returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-full-'));
    assert.ok(mount(dir, 'size=3m'));
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    let server = await spawnServer({ dataDir });
    try {
      const post = (path: string, body: unknown) =>
        fetch(server.url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      assert.equal((await post('/v1/streams', { name: 'fill', segmentBytes: 256 * 1024 })).status, 201);
      const acked: number[] = [];
      let full: { status: number; code: string } | undefined;
      for (let i = 0; i < 2000 && full === undefined; i++) {
        const res = await post('/v1/streams/fill/records', {
          records: [{ value: { i, pad: 'x'.repeat(4000) } }],
        });
        if (res.status === 200) acked.push(i);
        else
          full = { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
      }
      assert.deepEqual(full, { status: 507, code: 'SY_ERR_STORAGE_FULL' });
      assert.ok(acked.length > 50, `only ${acked.length} writes fit`);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

      // Space comes back: writes work again, nothing acknowledged was lost or damaged.
      assert.equal(spawnSync('mount', ['-o', 'remount,size=64m', dir]).status, 0);
      const again = await post('/v1/streams/fill/records', { records: [{ value: { i: 'after' } }] });
      assert.equal(again.status, 200, await again.clone().text());
      await server.kill9();
      server = await server.restart();
      const values: unknown[] = [];
      let offset = 0;
      for (;;) {
        const res = await fetch(
          `${server.url}/v1/streams/fill/partitions/0/records?offset=${offset}&maxRecords=1000`,
        );
        const body = (await res.json()) as {
          records: { value: { i: number | string } }[];
          nextOffset: number;
          highWatermark: number;
        };
        values.push(...body.records.map((r) => r.value.i));
        offset = body.nextOffset;
        if (offset >= body.highWatermark) break;
      }
      assert.deepEqual(values, [...acked, 'after']);
    } finally {
      await server.kill9();
      umount(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
