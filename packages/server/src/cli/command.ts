import type { ParseArgsConfig } from 'node:util';

/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

/** Parsed arguments handed to a command: option values and the positionals after the command words. */
export interface CommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** One CLI command, e.g. `switchyard stream create`. Registered in `commands/index.ts`. */
export interface Command {
  /** The words that select it: `['stream', 'create']`. */
  words: string[];
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text: usage, options, examples. */
  help: string;
  /** Options in `node:util` parseArgs form (`--help` and `--json` are added for every command). */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command; resolves with the process exit code. */
  run(args: CommandArgs, io: CliIo): Promise<number>;
}
