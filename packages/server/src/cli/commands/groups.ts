import type { GroupDescriptionResponse } from '@switchyard/protocol';
import { onePositional, UsageError } from '../cli-error.ts';
import { COMMON_HELP, SERVER_OPTION, withClient } from '../client-options.ts';
import type { Command } from '../command.ts';
import { json, table } from '../output.ts';

const list = (tps: readonly { stream: string; partition: number }[]) =>
  tps.length === 0 ? '-' : tps.map((tp) => `${tp.stream}/${tp.partition}`).join(',');

function describeText(g: GroupDescriptionResponse): string {
  const head = `group ${g.group}: ${g.state}, generation ${g.generation}, strategy ${g.strategy ?? '-'}, total lag ${g.totalLag}\n\n`;
  const members =
    g.members.length === 0
      ? 'no live members\n'
      : table(
          ['MEMBER', 'CLIENT', 'ASSIGNED', 'REVOKING', 'PENDING'],
          g.members.map((m) => [
            m.memberId,
            m.clientId,
            list(m.assignment),
            list(m.revoking),
            list(m.pending),
          ]),
        );
  const partitions = table(
    ['STREAM', 'PARTITION', 'OWNER', 'COMMITTED', 'END', 'LAG'],
    g.partitions.map((p) => [p.stream, p.partition, p.owner, p.committedOffset, p.endOffset, p.lag]),
  );
  return `${head}${members}\n${partitions}`;
}

/** `switchyard groups`: every consumer group with its lag. */
export const groupsListCommand: Command = {
  words: ['groups'],
  summary: 'List consumer groups with their state, members and lag',
  help: `Usage: switchyard groups

Lists every consumer group: state, live members, generation and total lag (records not yet
committed, summed over its partitions).

Options:
${COMMON_HELP}

Examples:
  switchyard groups
  switchyard groups --json`,
  options: { ...SERVER_OPTION },
  async run(args, io) {
    if (args.positionals.length > 0) {
      throw new UsageError(
        `unexpected argument '${args.positionals[0]}'; to see one group use 'switchyard groups describe G'`,
      );
    }
    const groups = await withClient(args, io, async (sy) => {
      const summaries = await sy.admin.listGroups();
      return Promise.all(
        summaries.map(async (s) => ({ ...s, totalLag: (await sy.admin.describeGroup(s.group)).totalLag })),
      );
    });
    if (args.values.json) io.stdout.write(json(groups));
    else if (groups.length === 0) io.stdout.write('no consumer groups yet\n');
    else {
      const rows = groups.map((g) => [g.group, g.state, g.members, g.generation, g.totalLag]);
      io.stdout.write(table(['GROUP', 'STATE', 'MEMBERS', 'GENERATION', 'LAG'], rows));
    }
    return 0;
  },
};

/** `switchyard groups describe G`. */
export const groupsDescribeCommand: Command = {
  words: ['groups', 'describe'],
  summary: "Show a group's members, assignment and per-partition offsets and lag",
  help: `Usage: switchyard groups describe G

Shows the group's members with the partitions each holds (and any being handed over), and per
partition the owner, committed offset, end offset and lag.

Options:
${COMMON_HELP}

Examples:
  switchyard groups describe billing
  switchyard groups describe billing --json | jq '.partitions[] | select(.lag > 0)'`,
  options: { ...SERVER_OPTION },
  async run(args, io) {
    const group = onePositional(args.positionals, 'the group name G');
    const g = await withClient(args, io, (sy) => sy.admin.describeGroup(group));
    io.stdout.write(args.values.json ? json(g) : describeText(g));
    return 0;
  },
};
