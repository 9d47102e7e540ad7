import type { CleanupPolicy, StreamInfo, StreamSettings } from '@switchyard/protocol';
import { intOption, onePositional, UsageError } from '../cli-error.ts';
import { COMMON_HELP, SERVER_OPTION, withClient } from '../client-options.ts';
import type { Command, CommandArgs } from '../command.ts';
import { bytes, duration, json, table } from '../output.ts';

const SETTINGS_OPTIONS = {
  partitions: { type: 'string' },
  'retention-ms': { type: 'string' },
  'retention-bytes': { type: 'string' },
  'cleanup-policy': { type: 'string' },
  'delete-retention-ms': { type: 'string' },
  'segment-bytes': { type: 'string' },
  'segment-ms': { type: 'string' },
} as const;

const SETTINGS_HELP = `  --partitions N              Number of partitions (can only grow)
  --retention-ms MS|none      Delete records older than this; none keeps them forever
  --retention-bytes B|none    Per-partition size limit; none for no limit
  --cleanup-policy P          delete | compact | compact,delete
  --delete-retention-ms MS    How long tombstones survive compaction
  --segment-bytes B           Segment file size
  --segment-ms MS|none        Roll a segment once its first record is this old (none: by size only)`;

const POLICIES: readonly CleanupPolicy[] = ['delete', 'compact', 'compact,delete'];

function nullable(value: unknown, name: string): number | null | undefined {
  return value === 'none' ? null : intOption(value, name);
}

/** Stream settings from the command's options; only those given. */
export function settingsFrom(values: CommandArgs['values']): StreamSettings {
  const s: StreamSettings = {};
  const partitions = intOption(values.partitions, 'partitions', 1);
  if (partitions !== undefined) s.partitions = partitions;
  const retentionMs = nullable(values['retention-ms'], 'retention-ms');
  if (retentionMs !== undefined) s.retentionMs = retentionMs;
  const retentionBytes = nullable(values['retention-bytes'], 'retention-bytes');
  if (retentionBytes !== undefined) s.retentionBytes = retentionBytes;
  const policy = values['cleanup-policy'];
  if (policy !== undefined) {
    if (!POLICIES.includes(policy as CleanupPolicy)) {
      throw new UsageError(
        `--cleanup-policy must be one of ${POLICIES.join(' | ')}, got '${String(policy)}'`,
      );
    }
    s.cleanupPolicy = policy as CleanupPolicy;
  }
  const deleteRetentionMs = intOption(values['delete-retention-ms'], 'delete-retention-ms');
  if (deleteRetentionMs !== undefined) s.deleteRetentionMs = deleteRetentionMs;
  const segmentBytes = intOption(values['segment-bytes'], 'segment-bytes', 1);
  if (segmentBytes !== undefined) s.segmentBytes = segmentBytes;
  const segmentMs = nullable(values['segment-ms'], 'segment-ms');
  if (segmentMs !== undefined) s.segmentMs = segmentMs;
  return s;
}

function summary(s: StreamInfo): string {
  return `${s.name}: ${s.partitions} partition${s.partitions === 1 ? '' : 's'}, retention ${duration(s.retentionMs)} / ${bytes(s.retentionBytes)}, cleanup ${s.cleanupPolicy}`;
}

function describeText(s: StreamInfo): string {
  const head = [
    `stream            ${s.name}`,
    `partitions        ${s.partitions}`,
    `retention         ${duration(s.retentionMs)}, ${bytes(s.retentionBytes)} per partition`,
    `cleanup policy    ${s.cleanupPolicy} (tombstones kept ${duration(s.deleteRetentionMs)})`,
    `segments          ${bytes(s.segmentBytes)}${s.segmentMs === null ? ', rolled by size only' : ` or ${duration(s.segmentMs)} old, whichever comes first`}`,
    `created           ${s.createdAt}`,
    '',
  ].join('\n');
  const rows = (s.partitionInfo ?? []).map((p) => [
    p.partition,
    p.startOffset,
    p.endOffset,
    p.endOffset - p.startOffset,
    bytes(p.sizeBytes),
  ]);
  return `${head}\n${table(['PARTITION', 'START', 'END', 'RECORDS', 'SIZE'], rows)}`;
}

/** `switchyard stream create NAME`. */
export const streamCreateCommand: Command = {
  words: ['stream', 'create'],
  summary: 'Create a stream',
  help: `Usage: switchyard stream create NAME [settings]

Creates a partitioned, append-only stream. Names use 1-256 of A-Z a-z 0-9 . _ -

Settings:
${SETTINGS_HELP}
${COMMON_HELP}

Examples:
  switchyard stream create orders --partitions 6
  switchyard stream create customers --cleanup-policy compact --retention-ms none`,
  options: { ...SETTINGS_OPTIONS, ...SERVER_OPTION },
  async run(args, io) {
    const name = onePositional(args.positionals, 'the stream NAME');
    const settings = settingsFrom(args.values);
    const info = await withClient(args, io, (sy) => sy.admin.createStream(name, settings));
    io.stdout.write(args.values.json ? json(info) : `created stream ${summary(info)}\n`);
    return 0;
  },
};

/** `switchyard stream list`. */
export const streamListCommand: Command = {
  words: ['stream', 'list'],
  summary: 'List streams',
  help: `Usage: switchyard stream list

Lists every stream with its partitions, retention and cleanup policy.

Options:
${COMMON_HELP}

Examples:
  switchyard stream list
  switchyard stream list --json`,
  options: { ...SERVER_OPTION },
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const streams = await withClient(args, io, (sy) => sy.admin.listStreams());
    if (args.values.json) io.stdout.write(json(streams));
    else if (streams.length === 0)
      io.stdout.write('no streams yet; create one with `switchyard stream create NAME`\n');
    else {
      const rows = streams.map((s) => [
        s.name,
        s.partitions,
        duration(s.retentionMs),
        bytes(s.retentionBytes),
        s.cleanupPolicy,
        s.createdAt,
      ]);
      io.stdout.write(table(['NAME', 'PARTITIONS', 'RETENTION', 'MAX SIZE', 'CLEANUP', 'CREATED'], rows));
    }
    return 0;
  },
};

/** `switchyard stream describe NAME`. */
export const streamDescribeCommand: Command = {
  words: ['stream', 'describe'],
  summary: "Show a stream's settings and per-partition offsets and sizes",
  help: `Usage: switchyard stream describe NAME

Shows the stream's settings and, per partition, its first and next offset, record count and size.

Options:
${COMMON_HELP}

Examples:
  switchyard stream describe orders
  switchyard stream describe orders --json`,
  options: { ...SERVER_OPTION },
  async run(args, io) {
    const name = onePositional(args.positionals, 'the stream NAME');
    const info = await withClient(args, io, (sy) => sy.admin.describeStream(name));
    io.stdout.write(args.values.json ? json(info) : describeText(info));
    return 0;
  },
};

/** `switchyard stream update NAME`. */
export const streamUpdateCommand: Command = {
  words: ['stream', 'update'],
  summary: "Change a stream's settings (partitions only grow)",
  help: `Usage: switchyard stream update NAME [settings]

Changes the given settings and keeps the others. Partitions can only grow; keys then map to
different partitions for new records.

Settings:
${SETTINGS_HELP}
${COMMON_HELP}

Examples:
  switchyard stream update orders --partitions 12
  switchyard stream update orders --retention-ms 86400000 --retention-bytes none`,
  options: { ...SETTINGS_OPTIONS, ...SERVER_OPTION },
  async run(args, io) {
    const name = onePositional(args.positionals, 'the stream NAME');
    const settings = settingsFrom(args.values);
    if (Object.keys(settings).length === 0) throw new UsageError('give at least one setting to change');
    const info = await withClient(args, io, (sy) => sy.admin.updateStream(name, settings));
    io.stdout.write(args.values.json ? json(info) : `updated stream ${summary(info)}\n`);
    return 0;
  },
};

/** `switchyard stream delete NAME`. */
export const streamDeleteCommand: Command = {
  words: ['stream', 'delete'],
  summary: 'Delete a stream and all its records',
  help: `Usage: switchyard stream delete NAME

Deletes the stream and its records. This cannot be undone.

Options:
${COMMON_HELP}

Examples:
  switchyard stream delete scratch`,
  options: { ...SERVER_OPTION },
  async run(args, io) {
    const name = onePositional(args.positionals, 'the stream NAME');
    await withClient(args, io, (sy) => sy.admin.deleteStream(name));
    io.stdout.write(args.values.json ? json({ deleted: name }) : `deleted stream ${name}\n`);
    return 0;
  },
};

/** Every `switchyard stream …` command. */
export const streamCommands: Command[] = [
  streamCreateCommand,
  streamListCommand,
  streamDescribeCommand,
  streamUpdateCommand,
  streamDeleteCommand,
];
