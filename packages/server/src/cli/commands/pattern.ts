import { readFile } from 'node:fs/promises';
import { isSwitchyardError } from '@switchyard/protocol';
import {
  type CompiledPattern,
  compileFilterPolicy,
  compilePattern,
  type MessageAttributeValue,
  messageAttributesToEvent,
  RuleMatcher,
} from '../../routing/index.ts';
import { UsageError } from '../cli-error.ts';
import type { CliIo, Command } from '../command.ts';
import { json, write } from '../output.ts';

const DIALECTS = ['eventbridge', 'sns-attributes', 'sns-body'] as const;
type Dialect = (typeof DIALECTS)[number];

async function readSource(path: unknown, what: string, io: CliIo): Promise<string> {
  if (typeof path !== 'string' || path === '') throw new UsageError(`missing --${what} FILE`);
  if (path === '-') {
    let text = '';
    for await (const chunk of io.stdin)
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return text;
  }
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --${what} file ${path}: ${(err as Error).message}`);
  }
}

function compile(text: string, dialect: Dialect): CompiledPattern {
  if (dialect === 'eventbridge') return compilePattern(text);
  return compileFilterPolicy(text, dialect === 'sns-body' ? 'MessageBody' : 'MessageAttributes');
}

/** Decides the event text against one pattern; the SNS dialects take attributes or a body as the event. */
function decide(pattern: CompiledPattern, eventText: string, dialect: Dialect): boolean {
  const matcher = new RuleMatcher();
  matcher.add('pattern', pattern);
  if (dialect === 'sns-body') {
    // A body that is not a JSON object never matches a MessageBody policy.
    try {
      const body: unknown = JSON.parse(eventText);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
    } catch {
      return false;
    }
    return matcher.matchJson(eventText).length > 0;
  }
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch (err) {
    throw new UsageError(`the event is not valid JSON: ${(err as Error).message}`);
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new UsageError(
      dialect === 'eventbridge'
        ? 'the event must be a JSON object'
        : 'the message attributes must be a JSON object',
    );
  }
  if (dialect === 'sns-attributes') {
    return matcher.match(messageAttributesToEvent(event as Record<string, MessageAttributeValue>)).length > 0;
  }
  // Match the text as written, so number literals such as 300.0 are read exactly as sent.
  return matcher.matchJson(eventText).length > 0;
}

/** `switchyard pattern test`: checks a pattern and an event locally, without a server. */
export const patternTestCommand: Command = {
  words: ['pattern', 'test'],
  summary: 'Test an event pattern (or SNS filter policy) against an event, locally',
  help: `Usage: switchyard pattern test --pattern FILE --event FILE [--dialect D] [--json]

Checks a rule's event pattern against one event, on this machine: no server is needed.
Prints "match" or "no match" and exits 0. If the pattern is invalid it prints why, in
AWS's words (e.g. "Event pattern is not valid. Reason: ..."), and exits 2.

Options:
  --pattern FILE   The pattern as JSON; "-" reads it from standard input
  --event FILE     The event as JSON; "-" reads it from standard input
  --dialect D      eventbridge (default): an EventBridge event pattern against an event
                   sns-attributes: an SNS filter policy against message attributes, written
                     as the SNS API writes them: {"store": {"DataType": "String", "StringValue": "x"}}
                   sns-body: an SNS filter policy (MessageBody scope) against a message body
  --json           Print {"valid": ..., "match": ...} instead of text

Examples:
  echo '{"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}]}}' > pattern.json
  echo '{"source": "shop", "detail": {"total": 120.0}}' > event.json
  switchyard pattern test --pattern pattern.json --event event.json
  match

  echo '{"detail": {"total": [{"numeric": [">", 0, ">", 5]}]}}' > bad.json
  switchyard pattern test --pattern bad.json --event event.json
  Event pattern is not valid. Reason: Bad numeric range operator: >      (exit code 2)

  echo '{"store": [{"prefix": "example"}]}' > policy.json
  echo '{"store": {"DataType": "String", "StringValue": "example_corp"}}' > attributes.json
  switchyard pattern test --dialect sns-attributes --pattern policy.json --event attributes.json
  match

The language, both dialects and the limits are described in docs/patterns.md.
`,
  options: {
    pattern: { type: 'string' },
    event: { type: 'string' },
    dialect: { type: 'string' },
  },
  async run(args, io) {
    const dialect = (args.values.dialect ?? 'eventbridge') as Dialect;
    if (!DIALECTS.includes(dialect)) {
      throw new UsageError(
        `--dialect must be one of ${DIALECTS.join(' | ')}, got '${String(args.values.dialect)}'`,
      );
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    if (args.values.pattern === '-' && args.values.event === '-') {
      throw new UsageError('only one of --pattern and --event can read standard input');
    }
    const patternText = await readSource(args.values.pattern, 'pattern', io);
    const eventText = await readSource(args.values.event, 'event', io);
    const asJson = args.values.json === true;
    let pattern: CompiledPattern;
    try {
      pattern = compile(patternText, dialect);
    } catch (err) {
      if (!isSwitchyardError(err)) throw err;
      if (asJson) {
        await write(
          io.stdout,
          json({ valid: false, code: err.code, reason: err.details.reason, message: err.message }),
        );
      } else {
        await write(io.stderr, `${err.message}\n`);
      }
      return 2;
    }
    const matched = decide(pattern, eventText, dialect);
    await write(
      io.stdout,
      asJson ? json({ valid: true, match: matched }) : `${matched ? 'match' : 'no match'}\n`,
    );
    return 0;
  },
};
