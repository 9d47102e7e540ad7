import fs from 'node:fs';

/** pwritev of all `buffers` at `position`; loops on short writes so an error surfaces as a rejection. */
export function writeAll(fd: number, buffers: Buffer[], position: number, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (bufs: Buffer[], pos: number, left: number): void => {
      fs.writev(fd, bufs, pos, (err, written) => {
        if (err) return reject(err);
        if (written >= left) return resolve();
        step(skipBytes(bufs, written), pos + written, left - written);
      });
    };
    step(buffers, position, total);
  });
}

function skipBytes(bufs: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of bufs) {
    if (n >= b.length) {
      n -= b.length;
      continue;
    }
    out.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return out;
}

/** fdatasync as a promise. */
export function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Reads up to `length` bytes at `position` into `buf[offset..]`; resolves with the bytes read (short at EOF). */
export function readInto(
  fd: number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = (): void => {
      fs.read(fd, buf, offset + done, length - done, position + done, (err, n) => {
        if (err) return reject(err);
        done += n;
        if (n === 0 || done >= length) return resolve(done);
        step();
      });
    };
    step();
  });
}

/** Reads `length` bytes at `position` into a new Buffer (shorter at end of file). */
export async function readAt(fd: number, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const n = await readInto(fd, buf, 0, length, position);
  return n === length ? buf : buf.subarray(0, n);
}

/** fsyncs a directory so renames and creations in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** True if `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await fs.promises.access(path);
    return true;
  } catch {
    return false;
  }
}

/** Segment file name for a base offset: 20 digits, zero-padded, then the extension. */
export function segmentFileName(baseOffset: number, ext: string): string {
  return `${String(baseOffset).padStart(20, '0')}${ext}`;
}
