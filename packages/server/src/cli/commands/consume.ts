import type { ConsumedRecord, ConsumerOptions } from '@switchyard/client';
import { intOption, onePositional, UsageError } from '../cli-error.ts';
import { COMMON_HELP, connect, SERVER_OPTION } from '../client-options.ts';
import type { Command } from '../command.ts';
import { write } from '../output.ts';

/** The `--from` option as a consumer start position. */
export function parseFrom(value: unknown): NonNullable<ConsumerOptions['from']> {
  if (value === undefined || value === 'earliest') return 'earliest';
  if (value === 'latest') return 'latest';
  const text = String(value);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--from must be earliest, latest, an ISO time (2024-05-01T12:00:00Z) or epoch ms, got '${text}'`,
    );
  }
  return new Date(ms);
}

/** One record as a line of JSON: the value parsed when it is JSON, else a string. */
export function recordLine(r: ConsumedRecord): string {
  let value: unknown = null;
  if (r.value !== null) {
    const text = r.value.toString('utf8');
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  const out = {
    partition: r.partition,
    offset: r.offset,
    key: r.key?.toString('utf8') ?? null,
    timestamp: r.timestamp,
    value,
  };
  return `${JSON.stringify(out)}\n`;
}

/** `switchyard consume STREAM`: prints records as JSON lines. */
export const consumeCommand: Command = {
  words: ['consume'],
  summary: 'Print records of a stream as JSON lines',
  help: `Usage: switchyard consume STREAM [--group G] [--from earliest|latest|TIME] [--max N]

Prints one JSON object per record: {"partition","offset","key","timestamp","value"}; the value is
the stored JSON, or a string when it is not JSON. Without --max it runs until Ctrl-C.

With --group it joins the consumer group (sharing partitions with the other members) and commits
the offsets of what it printed, so the next run of the group goes on from there. Without a group
it reads every partition of the stream and commits nothing.

Options:
  --group G          Consume as a member of consumer group G
  --from POSITION    Where partitions without a committed offset start: earliest (default),
                     latest, an ISO time (2024-05-01T12:00:00Z) or epoch ms
  --max N            Exit after printing N records
${COMMON_HELP}

Examples:
  switchyard consume orders --max 10
  switchyard consume orders --group billing
  switchyard consume orders --from 2024-05-01T00:00:00Z --max 100 | jq .value`,
  options: { group: { type: 'string' }, from: { type: 'string' }, max: { type: 'string' }, ...SERVER_OPTION },
  async run(args, io) {
    const stream = onePositional(args.positionals, 'the STREAM');
    const max = intOption(args.values.max, 'max', 1);
    const from = parseFrom(args.values.from);
    const group = args.values.group as string | undefined;
    const sy = connect(args, io);
    const consumer = sy.consumer({
      streams: [stream],
      from,
      maxWaitMs: 1000,
      ...(group === undefined ? {} : { group }),
    });
    let printed = 0;
    const stop = () => consumer.stop();
    process.once('SIGINT', stop);
    try {
      await sy.admin.describeStream(stream);
      if (max !== undefined && max === 0) return 0;
      await consumer.run({
        eachRecord: async (r) => {
          await write(io.stdout, recordLine(r));
          if (++printed === max) consumer.stop();
        },
      });
      return 0;
    } finally {
      process.off('SIGINT', stop);
      await sy.close();
    }
  },
};
