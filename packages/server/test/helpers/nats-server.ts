/**
 * Spawns a real `nats-server` with JetStream for tests: found on PATH (scripts/test-deps.mjs
 * installs it), a random free port, a temp store directory, ready once a client can reach
 * JetStream. `restart` reuses the port and store, so clients reconnect to the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { connect } from 'nats';

/** A running nats-server owned by a test. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  storeDir: string;
  /** Everything the server logged so far. */
  output(): string;
  /** SIGTERM, wait for the exit, delete the store directory (if this helper made it). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit; the store is kept for `restart`. */
  kill9(): Promise<void>;
  /** Starts the server again on the same port and store (after `kill9`, or to bounce it); waits until ready. */
  restart(): Promise<void>;
}

/** Options of `startNatsServer`. */
export interface NatsServerOptions {
  /** Store directory to use (kept on stop); default a new temp dir removed on stop. */
  storeDir?: string;
  /** Extra command-line arguments, e.g. `['-c', confFile]` or `['--server_name', 'n1']`. */
  args?: string[];
  /** How long to wait for readiness (ms, default 20000). */
  readyTimeoutMs?: number;
}

const LISTEN = /Listening for client connections on [^\s]*:(\d+)/;

async function reachable(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, reconnect: false, timeout: 1000 });
    try {
      await (await nc.jetstreamManager({ timeout: 1000 })).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

/** Starts `nats-server -js` on a random port with a temp store dir and waits until JetStream answers. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const ownDir = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'sy-nats-'));
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let log = '';
  let child: ChildProcess;
  let exited: Promise<void>;
  let port = -1;

  const launch = async (wantedPort: number): Promise<number> => {
    const args = [
      '-js',
      '-a',
      '127.0.0.1',
      '-p',
      String(wantedPort),
      '-sd',
      storeDir,
      ...(options.args ?? []),
    ];
    child = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = child;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const bound = new Promise<number>((resolve, reject) => {
      const onLog = (chunk: Buffer): void => {
        log += chunk.toString();
        const m = LISTEN.exec(log.slice(log.lastIndexOf('Starting nats-server')));
        if (m !== null && /Server is ready/.test(log.slice(log.lastIndexOf('Starting nats-server')))) {
          resolve(Number(m[1]));
        }
      };
      proc.stdout?.on('data', onLog);
      proc.stderr?.on('data', onLog);
      proc.once('error', (err) =>
        reject(
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? new Error('nats-server is not on PATH; run `node scripts/test-deps.mjs` to install it')
            : err,
        ),
      );
      proc.once('exit', (code, signal) =>
        reject(new Error(`nats-server exited (${code ?? signal}) before ready:\n${log}`)),
      );
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), readyTimeoutMs);
    try {
      const p = await bound;
      const url = `nats://127.0.0.1:${p}`;
      while (!(await reachable(url))) {
        if (proc.exitCode !== null) throw new Error(`nats-server exited:\n${log}`);
        await delay(50);
      }
      return p;
    } finally {
      clearTimeout(timer);
    }
  };

  port = await launch(-1);
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const proc = child;
        const hard = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(hard);
      }
      if (ownDir) rmSync(storeDir, { recursive: true, force: true, maxRetries: 3 });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async restart() {
      await server.kill9();
      await launch(port);
    },
  };
  return server;
}

/**
 * One nats-server for a whole test file: started on first use, stopped after the file's tests.
 * Call at the top level of a test file; use the returned function wherever a test needs the server.
 */
export function sharedNatsServer(): () => Promise<NatsServer> {
  let server: Promise<NatsServer> | undefined;
  after(async () => {
    if (server !== undefined) await (await server).stop();
  });
  return () => {
    server ??= startNatsServer();
    return server;
  };
}
