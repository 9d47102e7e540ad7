import { createInterface } from 'node:readline';
import type { Producer, ProducerRecord, RecordMetadata } from '@switchyard/client';
import { intOption, onePositional } from '../cli-error.ts';
import { COMMON_HELP, connect, SERVER_OPTION } from '../client-options.ts';
import type { Command } from '../command.ts';
import { json } from '../output.ts';

const CHUNK = 1000;
const MAX_PENDING_CHUNKS = 16;

/** A line of input that is not an event. */
export class BadLineError extends Error {
  readonly line: number;

  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.line = line;
  }
}

/** Parses one NDJSON line into a record: the value is the line's bytes as given, the key a field of it. */
export function lineToRecord(
  text: string,
  line: number,
  keyPath: readonly string[] | undefined,
  partition?: number,
): ProducerRecord {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (err) {
    throw new BadLineError(line, `not valid JSON (${(err as Error).message})`);
  }
  const record: ProducerRecord = { value: Buffer.from(text, 'utf8') };
  if (partition !== undefined) record.partition = partition;
  if (keyPath === undefined) return record;
  let field: unknown = event;
  for (const segment of keyPath) {
    field =
      field !== null && typeof field === 'object' ? (field as Record<string, unknown>)[segment] : undefined;
  }
  if (field === undefined || field === null)
    throw new BadLineError(line, `has no key field '${keyPath.join('.')}' (--key)`);
  record.key = typeof field === 'string' ? field : JSON.stringify(field);
  return record;
}

/** Sends chunks of records with a bounded number in flight; counts what is acknowledged. */
class ChunkSender {
  acked = 0;
  #producer: Producer;
  #pending: Promise<RecordMetadata[]>[] = [];

  constructor(producer: Producer) {
    this.#producer = producer;
  }

  async send(chunk: ProducerRecord[]): Promise<void> {
    this.#pending.push(this.#producer.sendMany(chunk));
    if (this.#pending.length >= MAX_PENDING_CHUNKS) this.acked += (await this.#pending.shift()!).length;
  }

  async finish(): Promise<void> {
    while (this.#pending.length > 0) this.acked += (await this.#pending.shift()!).length;
  }
}

/** `switchyard produce STREAM`: newline-delimited JSON events from stdin. */
export const produceCommand: Command = {
  words: ['produce'],
  summary: 'Send newline-delimited JSON events from stdin to a stream',
  help: `Usage: switchyard produce STREAM [--key FIELD] [--partition N] [--validate-first]

Reads one JSON value per line from stdin and appends each as a record, stored as the exact bytes
of the line. Blank lines are skipped. Records go through the idempotent, batching producer on the
binary path; the command exits 0 only once every event is acknowledged (durable).

A malformed line stops the command with exit code 1 and an error naming the line:
  by default input is streamed: every event before the bad line has been sent and acknowledged,
    nothing from the bad line on is sent (the summary says how many were produced);
  with --validate-first all of stdin is read and checked first, and nothing is sent if any line is
    bad (stdin must end; the input is held in memory).

Options:
  --key FIELD        Take the record key from this field of each event; dotted paths reach into
                     objects (customer.id). Non-string values are used as their JSON text. An
                     event without the field is a malformed line.
  --partition N      Send every event to partition N instead of choosing by key
  --validate-first   Check every line before sending any (see above)
${COMMON_HELP}

Examples:
  echo '{"id":"o-1","customer":{"id":"c-7"},"total":42}' | switchyard produce orders --key customer.id
  switchyard produce orders --key id < orders.ndjson
  tail -f app.log.ndjson | switchyard produce logs`,
  options: {
    key: { type: 'string' },
    partition: { type: 'string' },
    'validate-first': { type: 'boolean' },
    ...SERVER_OPTION,
  },
  async run(args, io) {
    const stream = onePositional(args.positionals, 'the STREAM');
    const keyPath = typeof args.values.key === 'string' ? args.values.key.split('.') : undefined;
    const partition = intOption(args.values.partition, 'partition');
    const sy = connect(args, io);
    const producer = sy.producer({ stream });
    const sender = new ChunkSender(producer);
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    const progress = tty
      ? setInterval(() => io.stderr.write(`\rproduced ${sender.acked} events…`), 500)
      : undefined;
    const done = (code: number, message?: string) => {
      if (progress !== undefined) io.stderr.write('\r\x1b[K');
      if (message !== undefined) io.stderr.write(`switchyard produce: ${message}\n`);
      const summary = { stream, produced: sender.acked };
      io.stdout.write(
        args.values.json
          ? json(summary)
          : `produced ${sender.acked} event${sender.acked === 1 ? '' : 's'} to ${stream}\n`,
      );
      return code;
    };
    try {
      await producer.connect();
      if ((io.stdin as { isTTY?: boolean }).isTTY === true) {
        io.stderr.write('reading events from stdin, one JSON value per line; end with Ctrl-D\n');
      }
      const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
      const held: ProducerRecord[] = [];
      let chunk: ProducerRecord[] = [];
      let n = 0;
      try {
        for await (const raw of lines) {
          n++;
          const text = raw.trim();
          if (text === '') continue;
          const record = lineToRecord(text, n, keyPath, partition);
          if (args.values['validate-first']) held.push(record);
          else chunk.push(record);
          if (chunk.length >= CHUNK) {
            await sender.send(chunk);
            chunk = [];
          }
        }
      } catch (err) {
        if (!(err instanceof BadLineError)) throw err;
        lines.close();
        await sender.send(chunk);
        await sender.finish();
        const note = args.values['validate-first']
          ? 'nothing was sent'
          : `the ${sender.acked} events before it were sent`;
        return done(1, `${err.message}; ${note}`);
      }
      for (let i = 0; i < held.length; i += CHUNK) await sender.send(held.slice(i, i + CHUNK));
      if (chunk.length > 0) await sender.send(chunk);
      await sender.finish();
      await producer.close();
      return done(0);
    } catch (err) {
      await sender.finish().catch(() => {});
      done(1);
      throw err;
    } finally {
      clearInterval(progress);
      await sy.close();
    }
  },
};
