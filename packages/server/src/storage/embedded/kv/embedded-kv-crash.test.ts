import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EmbeddedKvStore } from './embedded-kv-store.ts';

const writerFile = fileURLToPath(new URL('./kv-crash-writer.fixture.ts', import.meta.url));

interface Ack {
  revision: number;
  counter: number;
}

/** Runs the writer until it acknowledged `acks` more writes, kills it with SIGKILL, returns the last ack per key. */
async function runAndKill(dir: string, acks: number, last: Map<string, Ack>): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, writerFile, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let seen = 0;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const m = /^ack (\S+) (\d+) (\d+)$/.exec(line);
      if (m === null) continue;
      const ack = { revision: Number(m[2]), counter: Number(m[3]) };
      const prev = last.get(m[1]!);
      if (prev === undefined || ack.revision > prev.revision) last.set(m[1]!, ack);
      seen += 1;
      if (seen === acks) child.kill('SIGKILL');
    }
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL', `writer died on its own: ${stderr}`);
}

it('after SIGKILL at random moments, every acknowledged compare-and-set write is there', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-kv-crash-'));
  try {
    const last = new Map<string, Ack>();
    for (let round = 0; round < 5; round++) {
      await runAndKill(dir, 200 + Math.floor(Math.random() * 1500), last);
      const store = await EmbeddedKvStore.open({ dir });
      try {
        let highest = 0;
        for (const [key, ack] of last) {
          const e = await store.get(key);
          assert.ok(e !== undefined, `round ${round}: ${key} lost`);
          const counter = Number(e.value.toString().split(':')[0]);
          assert.ok(
            e.revision >= ack.revision,
            `round ${round}: ${key} at revision ${e.revision} < acknowledged ${ack.revision}`,
          );
          if (e.revision === ack.revision) assert.equal(counter, ack.counter, `round ${round}: ${key} value`);
          else assert.ok(counter > ack.counter, `round ${round}: ${key} counter went back`);
          highest = Math.max(highest, e.revision);
        }
        const rev = await store.put('probe', Buffer.from(String(round)));
        assert.ok(rev > highest, 'revisions continue after recovery');
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
