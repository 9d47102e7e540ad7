import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { prng } from '../../../testing/seeded-random.ts';
import { EmbeddedKvStore } from './embedded-kv-store.ts';
import { walPath } from './kv-files.ts';

type Model = Map<string, string>;

it('recovers exactly the writes whose frames are whole, for random histories cut or corrupted anywhere', async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rand = prng(seed);
    const dir = mkdtempSync(join(tmpdir(), 'sy-kv-prop-'));
    try {
      const store = await EmbeddedKvStore.open({ dir, fsync: false });
      const model: Model = new Map();
      // After op i: WAL size and the model, so a cut at byte b must recover the last state with size <= b.
      const states: { size: number; model: Model }[] = [
        { size: statSync(walPath(dir, 0)).size, model: new Map() },
      ];
      for (let i = 0; i < 120; i++) {
        const key = `k/${Math.floor(rand() * 8)}`;
        const value = 'v'.repeat(Math.floor(rand() * 40)) + i;
        const current = await store.get(key);
        const roll = rand();
        if (roll < 0.15) {
          await store.delete(key);
          model.delete(key);
        } else if (roll < 0.5 && current !== undefined) {
          await store.update(key, Buffer.from(value), current.revision);
          model.set(key, value);
        } else {
          await store.put(key, Buffer.from(value));
          model.set(key, value);
        }
        states.push({ size: statSync(walPath(dir, 0)).size, model: new Map(model) });
      }
      await store.close();
      const full = readFileSync(walPath(dir, 0));
      for (let trial = 0; trial < 25; trial++) {
        const cut = 8 + Math.floor(rand() * (full.length - 8));
        const damaged = Buffer.from(full.subarray(0, cut));
        const flip = rand() < 0.5 && cut > 9;
        // A flipped byte inside the last whole frame makes that frame (and only it) invalid.
        const flipAt = flip ? cut - 1 - Math.floor(rand() * Math.min(20, cut - 9)) : -1;
        if (flip) damaged[flipAt] = (damaged[flipAt] ?? 0) ^ 0x5a;
        writeFileSync(walPath(dir, 0), damaged);
        const limit = flip ? flipAt : cut;
        const expected = [...states].reverse().find((s) => s.size <= limit)!;
        const r = await EmbeddedKvStore.open({ dir, fsync: false });
        const got = new Map((await r.list('')).map((e) => [e.key, e.value.toString()]));
        await r.close();
        assert.deepEqual(got, expected.model, `seed ${seed} cut ${cut} flip ${flipAt}`);
        writeFileSync(walPath(dir, 0), full);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
