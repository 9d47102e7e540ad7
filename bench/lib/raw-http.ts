/**
 * The leanest HTTP/1.1 client for latency work: one keep-alive socket, Nagle off, each request
 * written with one corked write, answers read in order (content-length or chunked). No agent,
 * no timers and no per-request sockets, streams or header objects: `node:http`'s client alone
 * put about 0.2 ms at the median and 2 ms at p99 on this machine's loopback (see
 * docs/benchmarks.md), which the latency workload should not measure. Non-2xx answers reject.
 */
import net from 'node:net';

interface Waiter {
  resolve: (body: Buffer) => void;
  reject: (err: Error) => void;
  what: string;
}

/** One pipelined HTTP/1.1 connection to a server. */
export class RawHttpConnection {
  readonly #socket: net.Socket;
  readonly #host: string;
  readonly #waiting: Waiter[] = [];
  #buffered: Buffer = Buffer.alloc(0);
  #failure: Error | null = null;

  /** Opens a connection to `url`'s host and port; use `ready` before the first request. */
  constructor(url: string) {
    const u = new URL(url);
    this.#host = u.host;
    this.#socket = net.connect(Number(u.port), u.hostname);
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
      this.#drain();
    });
    const fail = (err: Error) => {
      this.#failure ??= err;
      for (const w of this.#waiting.splice(0)) w.reject(err);
    };
    this.#socket.on('error', fail);
    this.#socket.on('close', () => fail(new Error('connection closed')));
  }

  /** Resolves once connected. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.#socket.connecting) return resolve();
      this.#socket.once('connect', () => resolve());
      this.#socket.once('error', reject);
    });
  }

  /** Sends one request; resolves with the answer's body. */
  request(method: string, path: string, body: Buffer, contentType: string, accept?: string): Promise<Buffer> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.#host}\r\ncontent-type: ${contentType}\r\ncontent-length: ${body.length}\r\n`;
    if (accept !== undefined) head += `accept: ${accept}\r\n`;
    this.#socket.cork();
    this.#socket.write(`${head}\r\n`, 'latin1');
    if (body.length > 0) this.#socket.write(body);
    this.#socket.uncork();
    return new Promise((resolve, reject) =>
      this.#waiting.push({ resolve, reject, what: `${method} ${path}` }),
    );
  }

  /** Closes the socket. */
  close(): void {
    this.#socket.destroy();
  }

  #drain(): void {
    for (;;) {
      const answer = parseAnswer(this.#buffered);
      if (answer === null) return;
      this.#buffered = this.#buffered.subarray(answer.end);
      const waiter = this.#waiting.shift();
      if (waiter === undefined) continue;
      if (answer.status >= 200 && answer.status < 300) waiter.resolve(answer.body);
      else
        waiter.reject(
          new Error(`${waiter.what}: HTTP ${answer.status} ${answer.body.toString('utf8', 0, 300)}`),
        );
    }
  }
}

/** One whole answer at the start of `buf`, or null while it is incomplete. */
function parseAnswer(buf: Buffer): { status: number; body: Buffer; end: number } | null {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  let at = headEnd + 4;
  if (length !== null) {
    const end = at + Number(length[1]);
    return end <= buf.length ? { status, body: buf.subarray(at, end), end } : null;
  }
  if (!/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) return { status, body: Buffer.alloc(0), end: at };
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = Number.parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (buf.length < lineEnd + 2 + size + 2) return null;
    if (size === 0) return { status, body: Buffer.concat(parts), end: lineEnd + 4 };
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
