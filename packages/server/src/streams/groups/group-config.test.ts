import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, resolveGroupCoordinatorConfig } from './group-config.ts';

describe('resolveGroupCoordinatorConfig', () => {
  it('fills defaults and keeps given values', () => {
    assert.deepEqual(resolveGroupCoordinatorConfig(), DEFAULT_GROUP_COORDINATOR_CONFIG);
    assert.equal(resolveGroupCoordinatorConfig({ heartbeatIntervalMs: 500 }).heartbeatIntervalMs, 500);
  });

  it('rejects bad settings with SY_ERR_CONFIG_INVALID naming the setting', () => {
    const bad = [
      { defaultStrategy: 'sticky' as never },
      { rebalanceTimeoutMs: 0 },
      { maxWriteAttempts: 1.5 },
      { sessionTimeoutMs: 1000 },
      { minSessionTimeoutMs: 60_000, maxSessionTimeoutMs: 30_000 },
    ];
    for (const partial of bad) {
      assert.throws(
        () => resolveGroupCoordinatorConfig(partial),
        (err) => isSwitchyardError(err, 'SY_ERR_CONFIG_INVALID'),
        JSON.stringify(partial),
      );
    }
  });
});
