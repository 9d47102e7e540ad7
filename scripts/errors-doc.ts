// Writes docs/errors.md from the error catalogue: `npm run docs:errors`. The test
// `packages/protocol/src/errors.test.ts` fails when the file and the catalogue differ.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../packages/protocol/src/errors-doc.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
console.log('wrote docs/errors.md');
