import type { Command } from '../command.ts';
import { consumeCommand } from './consume.ts';
import { groupsDescribeCommand, groupsListCommand } from './groups.ts';
import { patternTestCommand } from './pattern.ts';
import { produceCommand } from './produce.ts';
import { startCommand } from './start.ts';
import { streamCommands } from './stream.ts';

/** Every CLI command, in the order `switchyard --help` lists them. */
export const commands: Command[] = [
  startCommand,
  ...streamCommands,
  produceCommand,
  consumeCommand,
  groupsListCommand,
  groupsDescribeCommand,
  patternTestCommand,
];
