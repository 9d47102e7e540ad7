import { parseArgs } from 'node:util';
import { SwitchyardConnectionError } from '@switchyard/client';
import { isSwitchyardError } from '@switchyard/protocol';
import { UsageError } from './cli-error.ts';
import type { CliIo, Command, CommandArgs } from './command.ts';
import { commands as defaultCommands } from './commands/index.ts';
import { packageVersion } from './version.ts';

const EXAMPLES = `Examples:
  switchyard start --data-dir ./data
  switchyard stream create orders --partitions 6
  echo '{"id":1,"customer":"c-7"}' | switchyard produce orders --key customer
  switchyard consume orders --group billing --from earliest --max 10
  switchyard groups describe billing`;

/** The words of `argv` before the first option, the part that names a command. */
function leadingWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  return words;
}

/** The command whose words are the longest prefix of `words`. */
export function findCommand(list: readonly Command[], words: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of list) {
    if (c.words.length > words.length || (best !== undefined && c.words.length <= best.words.length))
      continue;
    if (c.words.every((w, i) => words[i] === w)) best = c;
  }
  return best;
}

/** The command list, grouped by first word, with examples. */
export function commandList(list: readonly Command[]): string {
  const groups = new Map<string, Command[]>();
  for (const c of list) {
    const g = groups.get(c.words[0]!) ?? [];
    g.push(c);
    groups.set(c.words[0]!, g);
  }
  const width = Math.max(...list.map((c) => c.words.join(' ').length));
  const lines = ['Usage: switchyard <command> [options]', '', 'Commands:'];
  for (const group of groups.values()) {
    for (const c of group) lines.push(`  ${c.words.join(' ').padEnd(width)}  ${c.summary}`);
    if (group.length > 1) lines.push('');
  }
  if (lines.at(-1) !== '') lines.push('');
  lines.push(
    'Every command takes --help. Client commands take --server URL (or SWITCHYARD_URL;',
    'default http://127.0.0.1:8080); read commands take --json for machine output.',
    "'switchyard --version' prints the version.",
    '',
    EXAMPLES,
  );
  return `${lines.join('\n')}\n`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

function unknownCommand(list: readonly Command[], words: string[], io: CliIo): number {
  const typed = words.join(' ');
  const sub = list.filter((c) => c.words[0] === words[0]);
  if (sub.length > 0) {
    const width = Math.max(...sub.map((c) => c.words.join(' ').length));
    const options = sub
      .map((c) => `  switchyard ${c.words.join(' ').padEnd(width)}  ${c.summary}`)
      .join('\n');
    io.stderr.write(`switchyard: '${typed}' is not a command. Did you mean one of:\n${options}\n`);
    return 2;
  }
  const names = [...new Set(list.map((c) => c.words[0]!))];
  const near = names.filter((n) => distance(n, words[0] ?? '') <= 2);
  const hint = near.length > 0 ? ` Did you mean '${near.join("' or '")}'?` : '';
  io.stderr.write(`switchyard: unknown command '${typed}'.${hint} Run 'switchyard --help' for the list.\n`);
  return 2;
}

/** Runs the CLI: picks the command by its words, parses its options strictly, and answers the exit code. */
export async function runCli(
  argv: string[],
  io: CliIo,
  list: readonly Command[] = defaultCommands,
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.stderr : io.stdout).write(commandList(list));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    io.stdout.write(`switchyard ${packageVersion()}\n`);
    return 0;
  }
  const words = leadingWords(argv);
  const command = findCommand(list, words);
  if (command === undefined) return unknownCommand(list, words.length > 0 ? words : [argv[0]!], io);
  const name = `switchyard ${command.words.join(' ')}`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.slice(command.words.length),
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    io.stderr.write(`${name}: ${(err as Error).message}\nRun '${name} --help' for usage.\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.stdout.write(`${command.help.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(
      { values: parsed.values as CommandArgs['values'], positionals: parsed.positionals },
      io,
    );
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${name}: ${err.message}\nRun '${name} --help' for usage.\n`);
      return 2;
    }
    if (isSwitchyardError(err)) {
      io.stderr.write(`${name}: ${err.message} [${err.code}]\n`);
      return 1;
    }
    if (err instanceof SwitchyardConnectionError) {
      io.stderr.write(`${name}: ${err.message}; pass --server URL or set SWITCHYARD_URL\n`);
      return 1;
    }
    throw err;
  }
}
