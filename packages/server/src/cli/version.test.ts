import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fakeIo } from '../../test/cli/fake-io.ts';
import { runCli } from './cli.ts';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('switchyard --version', () => {
  it("prints the package's version and exits 0", async () => {
    const io = fakeIo();
    assert.equal(await runCli(['--version'], io), 0);
    assert.equal(io.out(), `switchyard ${PACKAGE.version}\n`);
    assert.equal(io.err(), '');
  });

  it('works from the installed binary', () => {
    const bin = fileURLToPath(new URL('../../bin/switchyard.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `switchyard ${PACKAGE.version}\n`);
  });

  it('is listed in the help', async () => {
    const io = fakeIo();
    await runCli(['--help'], io);
    assert.match(io.out(), /switchyard --version/);
  });
});
