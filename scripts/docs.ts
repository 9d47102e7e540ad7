// Regenerates the docs that are derived from code: the error catalogue and the settings table.
// Tests fail when these files and the code differ: run `npm run docs` after changing either.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../packages/protocol/src/errors-doc.ts';
import { renderConfigurationDoc } from '../packages/server/src/config-doc.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationDoc());
console.log('wrote docs/errors.md and docs/configuration.md');
