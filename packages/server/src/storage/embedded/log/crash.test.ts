import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readAll } from '../../contract/log-contract.ts';
import { EmbeddedLogStore } from './index.ts';
import { prng, tempDir, testConfig } from './test-support.ts';

const CHILD = fileURLToPath(new URL('./crash-child.fixture.ts', import.meta.url));

interface Ack {
  value: string;
  offset: number;
}

/** Runs the child until it has acknowledged `acks` appends, then SIGKILLs it; returns what it acknowledged. */
function runAndKill(dataDir: string, iteration: number, acks: number, minEnd: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', CHILD, dataDir, String(iteration)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const acked: Ack[] = [];
    let seen = 0;
    let pending = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, iter, batch, base, last] = line.split(' ');
        if (kind === 'ready') {
          if (Number(iter) < minEnd)
            reject(new Error(`restart lost acknowledged data: end ${iter} < ${minEnd}`));
          continue;
        }
        if (kind !== 'ack' || killed) continue;
        for (let o = Number(base); o <= Number(last); o++) {
          acked.push({ value: `i${iter}-b${batch}-${o - Number(base)}`, offset: o });
        }
        if (++seen >= acks) {
          killed = true;
          // The whole group: npx runs the engine in a grandchild, which must die too.
          process.kill(-child.pid!, 'SIGKILL');
        }
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited without being killed: ${stderr}`));
    });
  });
}

/** Waits until the process named in the logs lock has gone (SIGKILL is asynchronous for a grandchild). */
async function waitForLockHolderExit(dataDir: string): Promise<void> {
  const pid = Number(readFileSync(join(dataDir, 'logs', '.lock'), 'utf8'));
  for (let i = 0; i < 500; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await delay(10);
  }
  throw new Error(`process ${pid} did not exit`);
}

it('keeps every acknowledged record exactly once, in order, across repeated kill -9', async () => {
  const { dir, remove } = await tempDir();
  try {
    const rand = prng(0xc0ffee);
    const acked: Ack[] = [];
    let maxEnd = 0;
    for (let iteration = 0; iteration < 10; iteration++) {
      const got = await runAndKill(dir, iteration, 1 + Math.floor(rand() * 150), maxEnd);
      acked.push(...got);
      await waitForLockHolderExit(dir);
      for (const a of got) maxEnd = Math.max(maxEnd, a.offset + 1);
    }
    const store = await EmbeddedLogStore.open({ dataDir: dir });
    try {
      const log = await store.open('crash', 0, testConfig({ segmentBytes: 64 * 1024 }));
      const records = await readAll(log, 0);
      assert.ok(log.endOffset >= maxEnd);
      assert.deepEqual(
        records.map((r) => r.offset),
        records.map((_, i) => i),
        'offsets are contiguous from 0',
      );
      const values = records.map((r) => r.value?.toString() ?? '');
      assert.equal(new Set(values).size, values.length, 'no record is stored twice');
      for (const a of acked) assert.equal(values[a.offset], a.value, `acknowledged record at ${a.offset}`);
    } finally {
      await store.close();
    }
  } finally {
    if (process.env.KEEP_CRASH_DIR === undefined) await remove();
    else console.log('kept', dir);
  }
});
