// Runs the shell examples in README.md and docs/*.md against a fresh server, so the docs stay true.
// A block runs when its info string is `sh quickstart` or `sh example`; blocks of one file run in
// order in one bash, against one server. `localhost:8080` in a block means that server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnServer } from './helpers/spawn-server.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const docs = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

function examples(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/```sh (?:quickstart|example)\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('documentation examples', () => {
  for (const file of docs) {
    const blocks = examples(file);
    if (blocks.length === 0) continue;
    it(`${file}: ${blocks.length} example block(s) run`, async () => {
      const server = await spawnServer();
      try {
        const hostPort = server.url.replace('http://', '');
        const script = ['set -euo pipefail', ...blocks]
          .join('\n')
          .replaceAll(/(localhost|127\.0\.0\.1):8080/g, hostPort);
        const r = spawnSync('bash', ['-c', script], {
          cwd: ROOT,
          env: { ...process.env, SWITCHYARD_URL: server.url },
          encoding: 'utf8',
          timeout: 120_000,
        });
        assert.equal(r.status, 0, `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
        if (file === 'README.md') {
          assert.match(r.stdout, /"customer":"alice"/);
          assert.match(r.stdout, /"ranges":\[/);
        }
      } finally {
        await server.cleanup();
      }
    });
  }
});
