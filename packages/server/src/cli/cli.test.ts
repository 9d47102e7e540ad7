import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeIo } from '../../test/cli/fake-io.ts';
import { commandList, findCommand, runCli } from './cli.ts';
import type { Command } from './command.ts';
import { commands } from './commands/index.ts';

function fake(words: string[], run: Command['run'] = async () => 0): Command {
  return {
    words,
    summary: `does ${words.join(' ')}`,
    help: `Usage: switchyard ${words.join(' ')}\n`,
    options: { n: { type: 'string' } },
    run,
  };
}

describe('runCli', () => {
  const list = [
    fake(['stream', 'create']),
    fake(['stream', 'list']),
    fake(['groups']),
    fake(['groups', 'describe']),
  ];

  it('picks the command with the longest matching words', () => {
    assert.deepEqual(findCommand(list, ['groups', 'describe', 'g'])?.words, ['groups', 'describe']);
    assert.deepEqual(findCommand(list, ['groups'])?.words, ['groups']);
    assert.equal(findCommand(list, ['stream']), undefined);
  });

  it('passes options, positionals and --json to the command', async () => {
    let seen: unknown;
    const cmd = fake(['groups', 'describe'], async (args) => {
      seen = args;
      return 3;
    });
    const code = await runCli(['groups', 'describe', 'billing', '--n', '5', '--json'], fakeIo(), [cmd]);
    assert.equal(code, 3);
    assert.deepEqual(JSON.parse(JSON.stringify(seen)), {
      values: { n: '5', json: true },
      positionals: ['billing'],
    });
  });

  it('prints the grouped command list with examples on --help, and on no arguments with exit 2', async () => {
    const io = fakeIo();
    assert.equal(await runCli(['--help'], io, list), 0);
    assert.match(io.out(), /stream create\s+does stream create/);
    assert.match(io.out(), /Examples:/);
    const none = fakeIo();
    assert.equal(await runCli([], none, list), 2);
    assert.match(none.err(), /Usage: switchyard <command>/);
  });

  it("prints a command's help", async () => {
    const io = fakeIo();
    assert.equal(await runCli(['stream', 'list', '-h'], io, list), 0);
    assert.equal(io.out(), 'Usage: switchyard stream list\n');
  });

  it('answers unknown commands and options with an actionable message and exit 2', async () => {
    const partial = fakeIo();
    assert.equal(await runCli(['stream', 'make'], partial, list), 2);
    assert.match(
      partial.err(),
      /'stream make' is not a command\. Did you mean one of:\n {2}switchyard stream create/,
    );
    const typo = fakeIo();
    assert.equal(await runCli(['grops'], typo, list), 2);
    assert.match(typo.err(), /unknown command 'grops'\. Did you mean 'groups'\?/);
    const option = fakeIo();
    assert.equal(await runCli(['groups', '--nope'], option, list), 2);
    assert.match(option.err(), /switchyard groups: Unknown option '--nope'[\s\S]*switchyard groups --help/);
  });

  it('gives every registered command a summary, help with examples and unique words', () => {
    const seen = new Set<string>();
    for (const c of commands) {
      const words = c.words.join(' ');
      assert.ok(!seen.has(words), `${words} registered twice`);
      seen.add(words);
      assert.ok(c.summary.length > 0, words);
      assert.match(c.help, /Usage: switchyard/, words);
      assert.match(c.help, /Examples?:/, words);
    }
    assert.match(commandList(commands), /stream describe/);
  });

  it('reports a server that cannot be reached with exit 1 and the URL', async () => {
    const io = fakeIo('', { SWITCHYARD_URL: 'http://127.0.0.1:1' });
    assert.equal(await runCli(['stream', 'list'], io), 1);
    assert.match(
      io.err(),
      /Cannot reach Switchyard at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)[\s\S]*--server URL/,
    );
  });

  it('rejects bad option values before calling the server', async () => {
    const io = fakeIo();
    assert.equal(await runCli(['stream', 'create', 's', '--partitions', 'many'], io), 2);
    assert.match(io.err(), /--partitions must be an integer >= 1, got 'many'/);
    const from = fakeIo();
    assert.equal(await runCli(['consume', 's', '--from', 'yesterday'], from), 2);
    assert.match(from.err(), /--from must be earliest, latest/);
  });
});
