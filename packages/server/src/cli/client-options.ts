import { DEFAULT_URL, Switchyard } from '@switchyard/client';
import { UsageError } from './cli-error.ts';
import type { CliIo, CommandArgs } from './command.ts';

/** The `--server URL` option every client command takes. */
export const SERVER_OPTION = { server: { type: 'string' } } as const;

/** The help lines describing `--server` and `--json`. */
export const COMMON_HELP = `  --server URL   Switchyard server (env SWITCHYARD_URL; default ${DEFAULT_URL})
  --json         Machine-readable output
  -h, --help     This help`;

/** The server URL from `--server`, then `SWITCHYARD_URL`, then the default. */
export function serverUrl(args: CommandArgs, io: CliIo): string {
  const url = (args.values.server as string | undefined) ?? io.env.SWITCHYARD_URL ?? DEFAULT_URL;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--server must be an http:// or https:// URL, got '${url}'`);
  }
  return url;
}

/** A client for the command's server; few quick retries so a down server is reported fast. */
export function connect(args: CommandArgs, io: CliIo): Switchyard {
  return new Switchyard({ url: serverUrl(args, io), retry: { retries: 3, initialMs: 100, maxMs: 1000 } });
}

/** Runs `fn` with a client and closes it afterwards. */
export async function withClient<T>(
  args: CommandArgs,
  io: CliIo,
  fn: (sy: Switchyard) => Promise<T>,
): Promise<T> {
  const sy = connect(args, io);
  try {
    return await fn(sy);
  } finally {
    await sy.close();
  }
}
