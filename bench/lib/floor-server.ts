/**
 * The machine's floor for a durable acknowledged produce over HTTP: a bare `node:http` server
 * that writes each request body with one O_DSYNC pwrite (in libuv's thread pool, as the log
 * engine does) into a file preallocated with zeros, then answers 200. No parsing, no routing,
 * no framework, no indexes: what is left is the loopback, the event loop and the disk. The
 * latency workload drives it with the same producer as Switchyard, in the same run.
 * Usage: tsx floor-server.ts <dir>  — prints `listening on http://127.0.0.1:PORT` when ready.
 */
import fs from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

const FILE_BYTES = 64 << 20;
const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: floor-server.ts <dir>');
const path = join(dir, 'floor.log');
const zeroFill = fs.openSync(path, 'w');
fs.writeSync(zeroFill, Buffer.alloc(FILE_BYTES), 0, FILE_BYTES, 0);
fs.fdatasyncSync(zeroFill);
fs.closeSync(zeroFill);
const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_DSYNC);
const ANSWER = Buffer.from('{"offsets":[]}');
let position = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    if (position + body.length > FILE_BYTES) position = 0;
    const at = position;
    position += body.length;
    fs.write(fd, body, 0, body.length, at, (err) => {
      res.writeHead(err ? 500 : 200, { 'content-type': 'application/json', 'content-length': ANSWER.length });
      res.end(ANSWER);
    });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  fs.closeSync(fd);
});
