import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.ts';

/** A CliIo whose stdin is the given text and whose output is collected. */
export interface FakeIo extends CliIo {
  out(): string;
  err(): string;
}

/** Makes a fake io: stdin from `input`, stdout/stderr captured, env as given. */
export function fakeIo(input = '', env: Record<string, string | undefined> = {}): FakeIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return {
    stdin: Readable.from([Buffer.from(input)]),
    stdout,
    stderr,
    env,
    out: () => out,
    err: () => err,
  };
}
