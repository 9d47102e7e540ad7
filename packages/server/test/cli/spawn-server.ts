import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The server's entry file; integration tests skip while it does not exist. */
export const SERVER_ENTRY = resolve(import.meta.dirname, '../../src/main.ts');

/** Why integration tests cannot run here, or false when they can. */
export const skipReason: string | false = existsSync(SERVER_ENTRY)
  ? false
  : `no server entry at ${SERVER_ENTRY}`;

/** A server spawned on a free port with a scratch data directory. */
export interface SpawnedServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `switchyard start --port 0 --data-dir <tmp>` and resolves with its URL once it is listening. */
export async function spawnServer(extraArgs: string[] = []): Promise<SpawnedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SERVER_ENTRY, 'start', '--port', '0', '--data-dir', dataDir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/[^\s,)]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `check` answers true, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
