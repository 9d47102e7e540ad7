import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERRORS, formatMessage, isSwitchyardError, SwitchyardError, syError } from './errors.ts';
import { renderErrorsDoc } from './errors-doc.ts';

describe('error catalogue', () => {
  it('docs/errors.md equals the catalogue (run `npm run docs` after changing errors.ts)', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    assert.equal(doc, renderErrorsDoc());
  });

  it('codes follow SY_ERR_<AREA>_<WHAT> and statuses are 4xx/5xx', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      assert.match(code, /^SY_ERR_[A-Z]+_[A-Z_]+$/);
      assert.ok(spec.status >= 400 && spec.status < 600, code);
      assert.ok(spec.message.length > 10, code);
    }
  });

  it('fills messages from details and renders the HTTP body', () => {
    const err = syError('SY_ERR_STREAM_NOT_FOUND', { stream: 'orders' });
    assert.ok(err instanceof SwitchyardError);
    assert.ok(isSwitchyardError(err, 'SY_ERR_STREAM_NOT_FOUND'));
    assert.equal(err.status, 404);
    assert.match(err.message, /^Stream orders does not exist/);
    assert.deepEqual(err.toBody().error.details, { stream: 'orders' });
    assert.equal(formatMessage('a {x} {y}', { x: 1 }), 'a 1 {y}');
  });
});
