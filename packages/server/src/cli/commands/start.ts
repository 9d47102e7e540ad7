import { readFileSync } from 'node:fs';
import { isSwitchyardError, syError } from '@switchyard/protocol';
import { resolveServerConfig, SETTINGS } from '../../config.ts';
import { startServer } from '../../server.ts';
import type { Command } from '../command.ts';

const settingsHelp = SETTINGS.map(
  (s) =>
    `  --${s.flag.padEnd(24)} ${s.doc} (env ${s.env}; default ${s.default}${s.values ? `; one of ${s.values.join('|')}` : ''})`,
).join('\n');

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `cannot read config file ${path}: ${(err as Error).message}`,
    });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `config file ${path} is not a JSON object of settings: ${(err as Error).message}`,
    });
  }
}

/** `switchyard start`: runs the server on the embedded storage until SIGINT/SIGTERM. */
export const startCommand: Command = {
  words: ['start'],
  summary: 'Start the server (embedded storage, nothing else to install)',
  help: `Usage: switchyard start [--host H] [--port N] [--data-dir D] [--config FILE] [settings...]

Starts Switchyard on the embedded storage. Once ready it prints
  listening on http://HOST:PORT
Settings come from flags, then SWITCHYARD_* environment variables, then a JSON
config file (--config, or SWITCHYARD_CONFIG), then defaults.

Settings:
  --config FILE                JSON object of settings, e.g. {"port": 9000, "fsync": "always"}
${settingsHelp}

Examples:
  switchyard start
  switchyard start --port 0 --data-dir /tmp/sy      # a free port and a scratch directory
  SWITCHYARD_FSYNC=interval switchyard start         # faster, may lose the last 50 ms on power loss`,
  options: {
    config: { type: 'string' },
    ...Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }])),
  },
  async run(args, io) {
    const flags: Record<string, unknown> = {};
    for (const s of SETTINGS) {
      const v = args.values[s.flag];
      if (typeof v === 'string') flags[s.key] = v;
    }
    const configPath = (args.values.config as string | undefined) ?? io.env.SWITCHYARD_CONFIG;
    try {
      const config = resolveServerConfig({
        flags,
        env: io.env,
        ...(configPath === undefined ? {} : { file: readConfigFile(configPath) }),
      });
      const server = await startServer(config);
      io.stdout.write(
        `switchyard listening on ${server.url} (data dir ${config.dataDir}, fsync ${config.fsync})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      return 0;
    } catch (err) {
      if (isSwitchyardError(err)) {
        io.stderr.write(`switchyard: ${err.message} [${err.code}]\n`);
        return err.status >= 500 ? 1 : 2;
      }
      throw err;
    }
  },
};
