import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { UsageError } from '../cli-error.ts';
import type { CliIo } from '../command.ts';
import { patternTestCommand } from './pattern.ts';

const dir = mkdtempSync(join(tmpdir(), 'sy-pattern-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(
  values: Record<string, string | boolean>,
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += String(c);
  });
  stderr.on('data', (c) => {
    err += String(c);
  });
  const io: CliIo = { stdin: Readable.from([stdin]), stdout, stderr, env: {} };
  const code = await patternTestCommand.run({ values, positionals: [] }, io);
  return { code, out, err };
}

describe('switchyard pattern test', () => {
  const pattern = file(
    'pattern.json',
    '{"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}]}}',
  );

  it('prints match and exits 0', async () => {
    const event = file('match.json', '{"source": "shop", "detail": {"total": 120.0}}');
    assert.deepEqual(await run({ pattern, event }), { code: 0, out: 'match\n', err: '' });
  });

  it('prints no match and exits 0', async () => {
    const event = file('nomatch.json', '{"source": "shop", "detail": {"total": 99}}');
    assert.deepEqual(await run({ pattern, event }), { code: 0, out: 'no match\n', err: '' });
  });

  it('prints the AWS validation error and exits 2 for an invalid pattern', async () => {
    const bad = file('bad.json', '{"detail": {"total": [{"numeric": [">", 0, ">", 5]}]}}');
    const event = file('any.json', '{}');
    const result = await run({ pattern: bad, event });
    assert.equal(result.code, 2);
    assert.equal(result.out, '');
    assert.equal(result.err, 'Event pattern is not valid. Reason: Bad numeric range operator: >\n');
  });

  it('answers in JSON with --json', async () => {
    const event = file('json.json', '{"source": "shop", "detail": {"total": 101}}');
    assert.deepEqual(JSON.parse((await run({ pattern, event, json: true })).out), {
      valid: true,
      match: true,
    });
    const bad = file('bad2.json', '{"a": 1}');
    const result = await run({ pattern: bad, event, json: true });
    assert.equal(result.code, 2);
    assert.deepEqual(JSON.parse(result.out), {
      valid: false,
      code: 'SY_ERR_PATTERN_INVALID',
      reason: '"a" must be an object or an array',
      message: 'Event pattern is not valid. Reason: "a" must be an object or an array',
    });
  });

  it('reads the event from standard input with -', async () => {
    const result = await run({ pattern, event: '-' }, '{"source": "shop", "detail": {"total": 1000}}');
    assert.equal(result.out, 'match\n');
  });

  it('tests SNS filter policies against message attributes and bodies', async () => {
    const policy = file('policy.json', '{"store": [{"prefix": "example"}]}');
    const attributes = file('attrs.json', '{"store": {"DataType": "String", "StringValue": "example_corp"}}');
    assert.equal(
      (await run({ pattern: policy, event: attributes, dialect: 'sns-attributes' })).out,
      'match\n',
    );
    const body = file('body.json', '{"store": "other"}');
    assert.equal((await run({ pattern: policy, event: body, dialect: 'sns-body' })).out, 'no match\n');
    const nested = file('nested.json', '{"a": {"b": ["x"]}}');
    const result = await run({ pattern: nested, event: attributes, dialect: 'sns-attributes' });
    assert.equal(result.code, 2);
    assert.equal(
      result.err,
      'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy\n',
    );
  });

  it('reports usage mistakes as UsageError', async () => {
    await assert.rejects(run({ event: pattern }), UsageError);
    await assert.rejects(run({ pattern, event: join(dir, 'missing.json') }), /cannot read --event file/);
    await assert.rejects(run({ pattern, event: pattern, dialect: 'xml' }), /--dialect must be one of/);
    const notJson = file('text.txt', 'hello');
    await assert.rejects(run({ pattern, event: notJson }), /the event is not valid JSON/);
  });

  it('teaches in its help, with an example', () => {
    assert.match(patternTestCommand.help, /Examples:/);
    assert.match(
      patternTestCommand.help,
      /switchyard pattern test --pattern pattern.json --event event.json/,
    );
    assert.deepEqual(patternTestCommand.words, ['pattern', 'test']);
  });
});
