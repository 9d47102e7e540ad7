#!/usr/bin/env node
// The project's test command: installs what the tests need when it is missing, checks lint and
// types, then runs every unit and integration test with node:test through tsx.
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs --unit          unit tests beside the code only
//   node scripts/test.mjs --integration   spawn-the-server tests only
//   node scripts/test.mjs FILE...         just these files
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestDependencies } from './test-deps.mjs';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const intOnly = args.includes('--integration');
const files = args.filter((a) => !a.startsWith('--'));

function find(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function run(cmd, cmdArgs) {
  console.log(`$ ${cmd} ${cmdArgs.length > 8 ? `${cmdArgs.slice(0, 8).join(' ')} …` : cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

ensureTestDependencies();
if (files.length === 0) {
  run('npx', ['biome', 'ci', '.']);
  run('npx', ['tsc', '-b']);
  run('npx', ['tsc', '-p', 'bench']);
}
const packages = readdirSync('packages').map((p) => join('packages', p));
const unit = packages.flatMap((p) => find(join(p, 'src')));
const integration = packages.flatMap((p) => find(join(p, 'test')));
const selected =
  files.length > 0 ? files : unitOnly ? unit : intOnly ? integration : [...unit, ...integration];
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
run('npx', ['tsx', '--test', '--test-reporter=spec', ...selected.sort()]);
