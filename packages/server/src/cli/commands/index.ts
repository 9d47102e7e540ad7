import type { Command } from '../command.ts';
import { startCommand } from './start.ts';

/** Every CLI command, in the order `switchyard --help` lists them. */
export const commands: Command[] = [startCommand];
