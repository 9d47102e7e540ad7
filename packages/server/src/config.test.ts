import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { resolveServerConfig, SETTINGS } from './config.ts';
import { renderConfigurationDoc } from './config-doc.ts';

describe('resolveServerConfig', () => {
  it('gives working defaults with no input', () => {
    const c = resolveServerConfig();
    assert.equal(c.port, 8080);
    assert.equal(c.fsync, 'always');
    assert.equal(c.maxEventBytes, 1024 * 1024);
  });

  it('takes flags over env over file over defaults', () => {
    const c = resolveServerConfig({
      flags: { port: '9001' },
      env: { SWITCHYARD_PORT: '9002', SWITCHYARD_FSYNC: 'interval', SWITCHYARD_DATA_DIR: '/tmp/x' },
      file: { port: 9003, fsync: 'never', maxBatchEvents: 5 },
    });
    assert.equal(c.port, 9001);
    assert.equal(c.fsync, 'interval');
    assert.equal(c.dataDir, '/tmp/x');
    assert.equal(c.maxBatchEvents, 5);
  });

  it('rejects bad values with a reason naming the source', () => {
    const bad = (sources: Parameters<typeof resolveServerConfig>[0], pattern: RegExp) =>
      assert.throws(
        () => resolveServerConfig(sources),
        (err: unknown) =>
          isSwitchyardError(err, 'SY_ERR_CONFIG_INVALID') && pattern.test((err as Error).message),
      );
    bad({ flags: { port: 'eighty' } }, /port \(--port\) must be an integer/);
    bad(
      { env: { SWITCHYARD_FSYNC: 'sometimes' } },
      /fsync \(SWITCHYARD_FSYNC\) must be one of always, interval, never/,
    );
    bad({ file: { prot: 1 } }, /unknown setting prot/);
    bad({ flags: { port: '70000' } }, /at most 65535/);
    bad(
      { flags: { maxEventBytes: String(2 ** 30), maxRequestBytes: '2048' } },
      /maxEventBytes must not exceed/,
    );
  });

  it('names every setting with a flag and a SWITCHYARD_ variable', () => {
    for (const s of SETTINGS) {
      assert.match(s.flag, /^[a-z-]+$/);
      assert.match(s.env, /^SWITCHYARD_[A-Z_]+$/);
    }
    assert.ok(SETTINGS.some((s) => s.flag === 'data-dir' && s.env === 'SWITCHYARD_DATA_DIR'));
  });

  it('docs/configuration.md equals the settings table (run `npm run docs` after changing config.ts)', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    assert.equal(doc, renderConfigurationDoc());
  });
});
