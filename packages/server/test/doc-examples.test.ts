// Runs the examples in README.md and docs/*.md against a fresh server, so the docs stay true.
// `sh quickstart` and `sh example` blocks of one file run in order in one bash; `ts example` blocks
// run after them with tsx, each as its own program. All run against one server per file:
// `localhost:8080` / `127.0.0.1:8080` in a block means that server, and `switchyard` is the
// project's own command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnServer } from './helpers/spawn-server.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const HERE = fileURLToPath(new URL('.', import.meta.url));
const docs = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

function blocks(file: string, info: RegExp): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(new RegExp(`\`\`\`${info.source}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(
    r.status,
    0,
    `${args.join(' ')}: exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
  );
  return r.stdout;
}

describe('documentation examples', () => {
  for (const file of docs) {
    const shell = blocks(file, /sh (?:quickstart|example)/);
    const programs = blocks(file, /ts example/);
    if (shell.length + programs.length === 0) continue;
    it(`${file}: ${shell.length + programs.length} example block(s) run`, async () => {
      const server = await spawnServer();
      const here = (text: string) =>
        text.replaceAll(/(localhost|127\.0\.0\.1):8080/g, server.url.replace('http://', ''));
      const env = {
        ...process.env,
        SWITCHYARD_URL: server.url,
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
      };
      try {
        if (shell.length > 0) {
          const stdout = run('bash', ['-c', here(['set -euo pipefail', ...shell].join('\n'))], env);
          if (file === 'README.md') {
            assert.match(stdout, /"customer":"alice"/);
            assert.match(stdout, /"ranges":\[/);
          }
          if (file === 'docs/patterns.md') {
            assert.deepEqual(stdout.trim().split('\n'), [
              'match',
              'no match',
              'exit code 2',
              'match',
              'no match',
            ]);
          }
        }
        programs.forEach((program, i) => {
          // Written beside the tests so that `@switchyard/*` imports resolve as in a user's project.
          const path = join(HERE, `doc-example-${i}.tmp.ts`);
          writeFileSync(path, here(program));
          try {
            run(process.execPath, ['--import', 'tsx', path], env);
          } finally {
            rmSync(path, { force: true });
          }
        });
      } finally {
        await server.cleanup();
      }
    });
  }
});
