import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ServerConfig } from '../../src/config.ts';
import { resolveServerConfig } from '../../src/config.ts';
import type { RunningServer } from '../../src/server.ts';
import { startServer } from '../../src/server.ts';

/** A server started in this process on a free port, with real embedded storage in a temp dir. */
export interface TestServer extends RunningServer {
  dataDir: string;
  config: ServerConfig;
  /** fetch() relative to the server URL. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** JSON request helper: sends `body` as JSON, returns status and parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field and assert on them
  json<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  /** Closes the server and removes its data dir. */
  destroy(): Promise<void>;
}

/** Starts a server with test settings overridden by `flags`. */
export async function startTestServer(
  flags: Record<string, string | number> = {},
  dataDir?: string,
): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'switchyard-http-'));
  const config = resolveServerConfig({
    flags: { port: 0, dataDir: dir, segmentBytes: 1024 * 1024, ...flags },
  });
  const server = await startServer(config, pino({ level: 'silent' }));
  const request = (path: string, init?: RequestInit) => fetch(server.url + path, init);
  return {
    ...server,
    dataDir: dir,
    config,
    request,
    async json(method, path, body, headers = {}) {
      const res = await request(path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
    },
    async destroy() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
