// Enforces DESIGN.md §3's dependency rule by reading imports: the core never imports a face,
// node:http, process.env or a storage adapter; the protocol package depends on nothing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));
const PROTOCOL = resolve(SRC, '../../protocol/src');

/** Core folders: business logic that must stay free of faces, transports and adapters. */
const CORE = ['streams', 'routing'];
/** What the core may not import (resolved paths under src, or module names). */
const FORBIDDEN_DIRS = ['http', 'cli', 'storage/embedded', 'storage/jetstream', 'storage/memory'];
const FORBIDDEN_MODULES = [
  'node:http',
  'node:https',
  'http',
  'https',
  'fastify',
  'nats',
  'node:child_process',
];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (name.endsWith('.ts') && !/(\.test|\.fixture|-test-harness)\.ts$/.test(name)) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g))
    found.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

describe('dependency rule', () => {
  for (const area of CORE) {
    it(`core ${area}/ imports no face, transport, env or adapter`, () => {
      const dir = join(SRC, area);
      const problems: string[] = [];
      for (const file of files(dir)) {
        const rel = relative(SRC, file);
        if (/process\.env/.test(readFileSync(file, 'utf8'))) problems.push(`${rel} reads process.env`);
        for (const spec of imports(file)) {
          if (FORBIDDEN_MODULES.includes(spec)) problems.push(`${rel} imports ${spec}`);
          if (spec.startsWith('.')) {
            const target = relative(SRC, resolve(dirname(file), spec));
            for (const dirName of FORBIDDEN_DIRS) {
              if (target === dirName || target.startsWith(`${dirName}/`))
                problems.push(`${rel} imports ${target}`);
            }
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  }

  it('the storage port files import only the protocol package', () => {
    for (const name of ['log-store.ts', 'kv-store.ts']) {
      for (const spec of imports(join(SRC, 'storage', name))) {
        assert.ok(spec === '@switchyard/protocol' || spec.startsWith('./'), `${name} imports ${spec}`);
      }
    }
  });

  it('the protocol package imports nothing outside itself', () => {
    for (const file of files(PROTOCOL)) {
      for (const spec of imports(file)) {
        assert.ok(spec.startsWith('./'), `${relative(PROTOCOL, file)} imports ${spec}`);
      }
    }
  });

  it('only main.ts reads process.env or process.argv outside the CLI', () => {
    const offenders = files(SRC).filter((f) => {
      const rel = relative(SRC, f);
      if (rel === 'main.ts' || rel.startsWith('cli/')) return false;
      return /process\.(env|argv)/.test(readFileSync(f, 'utf8'));
    });
    assert.deepEqual(
      offenders.map((f) => relative(SRC, f)),
      [],
    );
  });
});
