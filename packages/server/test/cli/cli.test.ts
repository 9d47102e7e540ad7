import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/cli.ts';
import { type SpawnedServer, spawnServer } from '../helpers/spawn-server.ts';
import { fakeIo } from './fake-io.ts';

describe('switchyard CLI against a real server', () => {
  let server: SpawnedServer;
  const cli = async (argv: string[], input = '') => {
    const io = fakeIo(input, { SWITCHYARD_URL: server.url });
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  };
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { partition: number; offset: number; key: string | null; value: unknown });

  before(async () => {
    server = await spawnServer();
  });

  after(async () => {
    await server?.cleanup();
  });

  it('creates, lists, describes, updates and deletes streams', async () => {
    const created = await cli([
      'stream',
      'create',
      'cli-s',
      '--partitions',
      '2',
      '--retention-ms',
      '3600000',
    ]);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /created stream cli-s: 2 partitions, retention 1h/);
    const listed = await cli(['stream', 'list']);
    assert.match(listed.out, /^NAME\s+PARTITIONS\s+RETENTION/);
    assert.match(listed.out, /cli-s\s+2\s+1h/);
    const json = await cli(['stream', 'list', '--json']);
    assert.ok((JSON.parse(json.out) as { name: string }[]).some((s) => s.name === 'cli-s'));
    const updated = await cli(['stream', 'update', 'cli-s', '--partitions', '3', '--json']);
    assert.equal((JSON.parse(updated.out) as { partitions: number }).partitions, 3);
    const described = await cli(['stream', 'describe', 'cli-s']);
    assert.match(described.out, /partitions\s+3/);
    assert.match(described.out, /segments\s+128 MiB or 7d old, whichever comes first/);
    const byAge = await cli(['stream', 'update', 'cli-s', '--segment-ms', '3600000', '--json']);
    assert.equal((JSON.parse(byAge.out) as { segmentMs: number }).segmentMs, 3_600_000);
    const bySize = await cli(['stream', 'update', 'cli-s', '--segment-ms', 'none']);
    assert.equal(bySize.code, 0, bySize.err);
    assert.match((await cli(['stream', 'describe', 'cli-s'])).out, /segments\s+128 MiB, rolled by size only/);
    assert.match(described.out, /PARTITION\s+START\s+END\s+RECORDS\s+SIZE\n\s+0\s+0\s+0\s+0/);
    assert.equal((await cli(['stream', 'delete', 'cli-s'])).code, 0);
    const missing = await cli(['stream', 'describe', 'cli-s']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Stream cli-s does not exist.*\[SY_ERR_STREAM_NOT_FOUND\]/);
  });

  it('produces NDJSON from stdin keyed by a field and consumes it back as JSON lines', async () => {
    await cli(['stream', 'create', 'orders', '--partitions', '3']);
    const input = `${Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: i, customer: { id: `c-${i % 5}` } })).join('\n')}\n\n`;
    const produced = await cli(['produce', 'orders', '--key', 'customer.id'], input);
    assert.equal(produced.code, 0, produced.err);
    assert.equal(produced.out, 'produced 50 events to orders\n');
    const consumed = await cli(['consume', 'orders', '--max', '50']);
    assert.equal(consumed.code, 0, consumed.err);
    const records = lines(consumed.out);
    assert.equal(records.length, 50);
    for (const r of records) {
      const v = r.value as { id: number; customer: { id: string } };
      assert.equal(r.key, v.customer.id);
    }
    assert.deepEqual(new Set(records.map((r) => (r.value as { id: number }).id)).size, 50);
    const byKey = new Map<string | null, Set<number>>();
    for (const r of records) byKey.set(r.key, (byKey.get(r.key) ?? new Set()).add(r.partition));
    for (const parts of byKey.values()) assert.equal(parts.size, 1, 'one key, one partition');
  });

  it('stops at a malformed line having sent the lines before it, or sends nothing with --validate-first', async () => {
    await cli(['stream', 'create', 'bad-input']);
    const input = '{"n":1}\n{"n":2}\n{"n":\n{"n":4}\n';
    const streamed = await cli(['produce', 'bad-input'], input);
    assert.equal(streamed.code, 1);
    assert.match(streamed.err, /line 3: not valid JSON .*; the 2 events before it were sent/);
    assert.equal(streamed.out, 'produced 2 events to bad-input\n');
    const validated = await cli(['produce', 'bad-input', '--validate-first'], input);
    assert.equal(validated.code, 1);
    assert.match(validated.err, /line 3: .*nothing was sent/);
    const described = JSON.parse((await cli(['stream', 'describe', 'bad-input', '--json'])).out) as {
      partitionInfo: { endOffset: number }[];
    };
    assert.equal(described.partitionInfo[0]!.endOffset, 2);
  });

  it('consumes in a group, committing what it printed, and reports lag', async () => {
    await cli(['stream', 'create', 'events', '--partitions', '1']);
    const input = Array.from({ length: 10 }, (_, i) => (i % 2 ? `{"i":${i}}` : `"plain ${i}"`)).join('\n');
    assert.equal((await cli(['produce', 'events'], input)).code, 0);
    const first = await cli(['consume', 'events', '--group', 'audit', '--max', '3']);
    assert.equal(first.code, 0, first.err);
    assert.deepEqual(
      lines(first.out).map((r) => r.offset),
      [0, 1, 2],
    );
    assert.deepEqual(lines(first.out)[0]!.value, 'plain 0');
    const second = await cli(['consume', 'events', '--group', 'audit', '--max', '2']);
    assert.deepEqual(
      lines(second.out).map((r) => r.offset),
      [3, 4],
    );
    const described = await cli(['groups', 'describe', 'audit']);
    assert.equal(described.code, 0, described.err);
    assert.match(described.out, /events\s+0\s+-\s+5\s+10\s+5/);
    const listed = await cli(['groups', '--json']);
    const audit = (JSON.parse(listed.out) as { group: string; totalLag: number }[]).find(
      (g) => g.group === 'audit',
    );
    assert.equal(audit?.totalLag, 5);
    const table = await cli(['groups']);
    assert.match(table.out, /GROUP\s+STATE\s+MEMBERS\s+GENERATION\s+LAG\naudit\s+Empty\s+0\s+\d+\s+5/);
  });
});
