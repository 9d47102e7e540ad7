import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { resolveEmbeddedLogOptions } from './options.ts';
import { validatePartitionConfig } from './partition-open.ts';
import { testConfig } from './test-support.ts';

it('fills defaults: fsync always, 4 KiB index interval, preallocation on', () => {
  const o = resolveEmbeddedLogOptions({ dataDir: '/x' });
  assert.deepEqual(
    { ...o, observer: null },
    {
      dataDir: '/x',
      fsync: 'always',
      fsyncIntervalMs: 50,
      indexIntervalBytes: 4096,
      preallocate: 'recycle',
      producerExpirationMs: 86_400_000,
      tailCacheBytes: 1 << 20,
      compactionMapBytes: 128 << 20,
      verifyChecksumsOnRead: false,
      observer: null,
    },
  );
});

it('rejects bad options and partition configs with CONFIG_INVALID', () => {
  const invalid = (fn: () => unknown) =>
    assert.throws(fn, (err) => isSwitchyardError(err, 'SY_ERR_CONFIG_INVALID'));
  invalid(() => resolveEmbeddedLogOptions({ dataDir: '' }));
  invalid(() => resolveEmbeddedLogOptions({ dataDir: '/x', tailCacheBytes: -1 }));
  invalid(() => resolveEmbeddedLogOptions({ dataDir: '/x', tailCacheBytes: 1.5 }));
  assert.equal(resolveEmbeddedLogOptions({ dataDir: '/x', tailCacheBytes: 0 }).tailCacheBytes, 0);
  invalid(() => resolveEmbeddedLogOptions({ dataDir: '/x', fsync: 'sometimes' as 'never' }));
  invalid(() => resolveEmbeddedLogOptions({ dataDir: '/x', fsyncIntervalMs: 0 }));
  invalid(() => resolveEmbeddedLogOptions({ dataDir: '/x', indexIntervalBytes: 1.5 }));
  invalid(() => resolveEmbeddedLogOptions({ dataDir: '/x', compactionMapBytes: 0 }));
  invalid(() => validatePartitionConfig(testConfig({ segmentBytes: 10 })));
  invalid(() => validatePartitionConfig(testConfig({ segmentBytes: 2 ** 31 })));
  invalid(() => validatePartitionConfig(testConfig({ retentionMs: -1 })));
  invalid(() => validatePartitionConfig(testConfig({ segmentMs: 0 })));
  invalid(() => validatePartitionConfig(testConfig({ cleanupPolicy: 'forget' as 'delete' })));
  validatePartitionConfig(testConfig());
});
