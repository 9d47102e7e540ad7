#!/usr/bin/env node
// The process entry point: the only module that reads argv and the environment.
import { runCli } from './cli/cli.ts';

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
