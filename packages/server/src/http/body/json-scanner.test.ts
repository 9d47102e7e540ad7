import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { JsonScanner } from './json-scanner.ts';

function reason(input: string | Buffer, maxDepth?: number): string {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const sc = new JsonScanner(bytes, maxDepth === undefined ? {} : { maxDepth });
  try {
    sc.skipValue();
    sc.finish();
  } catch (err) {
    assert.ok(isSwitchyardError(err, 'SY_ERR_REQUEST_MALFORMED_JSON'));
    assert.equal(new JsonScanner(bytes, maxDepth === undefined ? {} : { maxDepth }).validate(), false);
    return String(err.details.reason);
  }
  assert.fail(`accepted ${JSON.stringify(bytes.toString('latin1'))}`);
}

describe('JsonScanner: strict RFC 8259 validation', () => {
  it('accepts every kind of value with whitespace around', () => {
    for (const text of [
      '{}',
      '[]',
      ' {"a" : [1, -0.5e+3, "x", true, false, null, {}] }\n',
      '"\\u00e9\\/"',
      '0',
      '-0',
      '1E9',
      '\t"€😀"\r\n',
    ]) {
      assert.ok(new JsonScanner(Buffer.from(text)).validate(), text);
    }
  });

  it('reports the byte, what was expected and what was found', () => {
    assert.equal(reason('{"a":1 x}'), "at byte 7: expected ',' or '}' after a member, found 'x'");
    assert.equal(reason('[1 2]'), "at byte 3: expected ',' or ']' after an element, found '2'");
    assert.equal(reason('{"a" 1}'), "at byte 5: expected ':' after a member name, found '1'");
    assert.equal(
      reason(''),
      'at byte 0: expected a value (object, array, string, number, true, false or null), found end of input',
    );
  });

  it('rejects trailing commas, unquoted keys and trailing garbage', () => {
    assert.match(reason('[1,]'), /at byte 3: expected a value .*found '\]'/);
    assert.match(
      reason('{"a":1,}'),
      /at byte 7: expected a member name in double quotes after ',', found '}'/,
    );
    assert.match(reason('{a:1}'), /at byte 1: expected a member name in double quotes or '}', found 'a'/);
    assert.match(reason("{'a':1}"), /found "'"/);
    assert.match(reason('{} {}'), /at byte 3: expected the end of input after the JSON value, found '\{'/);
    assert.match(reason('1 x'), /at byte 2: expected the end of input/);
  });

  it('rejects bad numbers: leading zeros, lone minus, bare dots, empty exponents, NaN, Infinity, plus', () => {
    assert.match(
      reason('01'),
      /at byte 1: expected '\.', 'e' or the end of the number after a leading 0, found '1'/,
    );
    assert.match(reason('-'), /at byte 1: expected a digit after '-', found end of input/);
    assert.match(reason('-a'), /expected a digit after '-'/);
    assert.match(reason('1.'), /expected a digit after '\.'/);
    assert.match(reason('.5'), /at byte 0: expected a value/);
    assert.match(reason('1e'), /expected a digit in the exponent/);
    assert.match(reason('1e+'), /expected a digit in the exponent/);
    assert.match(reason('NaN'), /at byte 0: expected a value .*found 'N'/);
    assert.match(reason('Infinity'), /found 'I'/);
    assert.match(reason('+1'), /found '\+'/);
    assert.match(reason('-01'), /leading 0/);
  });

  it('rejects misspelt literals at the first wrong byte', () => {
    assert.equal(reason('tru'), "at byte 3: expected 'true', found end of input");
    assert.equal(reason('[nul]'), "at byte 4: expected 'null', found ']'");
    assert.equal(reason('fals3'), "at byte 4: expected 'false', found '3'");
  });

  it('rejects control characters, bad escapes and bad \\u escapes in strings', () => {
    assert.match(
      reason('"a\nb"'),
      /at byte 2: expected a string character .*found control character U\+000A/,
    );
    assert.match(reason('"\u0000"'), /control character U\+0000/);
    assert.match(reason('"\\x"'), /at byte 2: expected an escape .* after a backslash, found 'x'/);
    assert.match(reason('"\\u12g4"'), /at byte 5: expected 4 hex digits after '\\u', found 'g'/);
    assert.match(reason('"\\u12"'), /expected 4 hex digits/);
    assert.match(
      reason('"abc'),
      /at byte 4: expected '"' to end the string that starts at byte 0, found end of input/,
    );
    assert.match(reason('"\\'), /expected an escape/);
    assert.ok(new JsonScanner(Buffer.from('"\\ud800"')).validate(), 'a lone surrogate escape is valid JSON');
  });

  it('rejects invalid UTF-8 in strings and bytes above 0x7f outside them', () => {
    const cases: [number[], RegExp][] = [
      [[0x22, 0xff, 0x22], /at byte 1: expected valid UTF-8 .*found byte 0xff/],
      [[0x22, 0x80, 0x22], /at byte 1: expected valid UTF-8/],
      [[0x22, 0xc0, 0xaf, 0x22], /at byte 1/], // overlong '/'
      [[0x22, 0xe0, 0x80, 0xaf, 0x22], /at byte 2/], // overlong 3-byte
      [[0x22, 0xed, 0xa0, 0x80, 0x22], /at byte 2/], // encoded surrogate U+D800
      [[0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], /at byte 2/], // above U+10FFFF
      [[0x22, 0xf5, 0x80, 0x80, 0x80, 0x22], /at byte 1/],
      [[0x22, 0xe2, 0x82, 0x22], /at byte 3: expected valid UTF-8 .*found '"'/], // truncated €
      [[0x22, 0xc3], /at byte 2: expected valid UTF-8 .*found end of input/],
      [[0xc3, 0xa9], /at byte 0: expected a value/],
    ];
    for (const [bytes, re] of cases) assert.match(reason(Buffer.from(bytes)), re);
    assert.ok(new JsonScanner(Buffer.from('"\u00e9\u20ac\u{1f600}\u{10ffff}"')).validate());
  });

  it('limits nesting depth (128 by default, configurable) without using the JS stack', () => {
    assert.ok(new JsonScanner(Buffer.from(`${'['.repeat(128)}${']'.repeat(128)}`)).validate());
    assert.match(
      reason(`${'['.repeat(129)}${']'.repeat(129)}`),
      /at byte 128: expected at most 128 levels of nesting, found '\['/,
    );
    assert.match(reason('{"a":{"b":[]}}', 2), /at byte 10: expected at most 2 levels of nesting/);
    assert.ok(!new JsonScanner(Buffer.from('['.repeat(1_000_000)), { maxDepth: 1_000_000 }).validate());
  });
});

describe('JsonScanner: pull API', () => {
  it('iterates members and elements and returns exact value spans', () => {
    const body = Buffer.from(' { "a" : [ 1 , {"x": null} ] , "b\\u0031" : "v" } ');
    const sc = new JsonScanner(body);
    assert.equal(sc.peek(), 'object');
    sc.enterObject();
    assert.ok(sc.nextMember());
    assert.ok(sc.nameIs(Buffer.from('a')));
    assert.equal(sc.peek(), 'array');
    sc.enterArray();
    assert.ok(sc.nextElement());
    assert.equal(sc.readNumber(), 1);
    assert.ok(sc.nextElement());
    const start = sc.skipValue();
    assert.equal(body.toString('utf8', start, sc.pos), '{"x": null}');
    assert.ok(!sc.nextElement());
    assert.ok(sc.nextMember());
    assert.ok(sc.nameIs(Buffer.from('b1')), 'names with escapes compare by their decoded text');
    assert.equal(sc.text(), 'b1');
    sc.readString();
    assert.equal(sc.text(), 'v');
    assert.equal(sc.textBytes().buffer, body.buffer, 'a string without escapes is a view into the body');
    assert.ok(!sc.nextMember());
    assert.equal(sc.depth, 0);
    sc.finish();
  });

  it('decodes escaped strings like JSON.parse and re-encodes them as UTF-8', () => {
    const sc = new JsonScanner(Buffer.from('"a\\n\\u00e9\\uD83D\\uDE00\\/"'));
    sc.readString();
    assert.ok(sc.strEscaped);
    assert.equal(sc.text(), 'a\né😀/');
    assert.deepEqual(sc.textBytes(), Buffer.from('a\né😀/'));
  });

  it('reads numbers exactly as JSON.parse does', () => {
    for (const text of [
      '0',
      '-0',
      '42',
      '1700000000000',
      '9007199254740993',
      '1.5',
      '-2e-3',
      '1E400',
      '123456789012345678',
    ]) {
      const sc = new JsonScanner(Buffer.from(text));
      assert.ok(Object.is(sc.readNumber(), JSON.parse(text)), text);
    }
  });

  it('checks the container it is asked to enter and the depth limit', () => {
    assert.throws(
      () => new JsonScanner(Buffer.from(' [1]')).enterObject(),
      /at byte 1: expected '\{', found '\['/,
    );
    assert.throws(() => new JsonScanner(Buffer.from('{}')).enterArray(), /expected '\['/);
    const sc = new JsonScanner(Buffer.from('[[1]]'), { maxDepth: 1 });
    sc.enterArray();
    sc.nextElement();
    assert.throws(() => sc.enterArray(), /at byte 1: expected at most 1 levels of nesting/);
  });

  it('rejects an empty array or object member list with a trailing comma in pull mode too', () => {
    const sc = new JsonScanner(Buffer.from('[1,]'));
    sc.enterArray();
    assert.ok(sc.nextElement());
    sc.readNumber();
    assert.ok(sc.nextElement());
    assert.throws(() => sc.peek(), /at byte 3: expected a value/);
    const so = new JsonScanner(Buffer.from('{"a":1,}'));
    so.enterObject();
    so.nextMember();
    so.readNumber();
    assert.throws(() => so.nextMember(), /expected a member name in double quotes after ','/);
  });
});
