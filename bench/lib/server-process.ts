/**
 * Spawns the real Switchyard server for a benchmark: `node --import tsx main.ts start --port 0`
 * with its own data directory, extra node flags (e.g. `--cpu-prof`), and timing of the ready line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../packages/server/src/main.ts', import.meta.url));

/** A running server. */
export interface BenchServer {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the ready line. */
  readyMs: number;
  /** performance.now() at spawn. */
  spawnedAt: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, wait for the exit (up to 30 s, then SIGKILL). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit. */
  kill9(): Promise<void>;
}

/** Starts a server on `dataDir` with `fsync`, extra server flags and node flags; waits for ready. */
export async function startServer(options: {
  dataDir: string;
  fsync?: 'always' | 'interval' | 'never';
  nodeArgs?: string[];
  args?: string[];
  readyTimeoutMs?: number;
}): Promise<BenchServer> {
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      MAIN,
      'start',
      '--port',
      '0',
      '--data-dir',
      options.dataDir,
      '--fsync',
      options.fsync ?? 'always',
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server not ready in ${options.readyTimeoutMs ?? 120_000} ms:\n${out}`));
    }, options.readyTimeoutMs ?? 120_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready:\n${out}`));
    });
  });
  const readyMs = performance.now() - spawnedAt;
  return {
    url,
    pid: child.pid!,
    readyMs,
    spawnedAt,
    child,
    output: () => out,
    async stop() {
      if (!alive()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    },
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}
