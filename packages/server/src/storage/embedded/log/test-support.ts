import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartitionLogConfig } from '../../log-store.ts';

/** Partition config for engine tests; tiny segments unless overridden. */
export function testConfig(overrides: Partial<PartitionLogConfig> = {}): PartitionLogConfig {
  return {
    segmentBytes: 1024 * 1024,
    segmentMs: null,
    retentionMs: null,
    retentionBytes: null,
    cleanupPolicy: 'delete',
    deleteRetentionMs: 86_400_000,
    ...overrides,
  };
}

/** A fresh temp directory and its removal. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'sy-log-test-'));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

export { prng } from '../../../testing/seeded-random.ts';

/** Directory of partition `partition` of `stream` under a data dir. */
export function partitionDir(dataDir: string, stream: string, partition = 0): string {
  return join(dataDir, 'logs', stream, String(partition));
}

/** Sorted `.log` segment files of a partition directory. */
export async function segmentFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir))
    .filter((n) => /^\d{20}\.log$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}
