// Renders docs/errors.md from the error catalogue. `npm run docs:errors` writes it; the test
// `packages/protocol/src/errors.test.ts` fails when the file and the catalogue differ.
import { writeFileSync } from 'node:fs';
import { ERRORS } from "../packages/protocol/src/errors.js";
/** The whole text of docs/errors.md. */
export function renderErrorsDoc() {
    const rows = Object.entries(ERRORS).map(([code, spec]) => `| \`${code}\` | ${spec.status} | ${spec.retriable ? 'yes' : 'no'} | ${spec.message.replaceAll('|', '\\|')} |`);
    return `# Error catalogue

Every error Switchyard returns has a stable code. HTTP answers carry it in the body:

\`\`\`json
{ "error": { "code": "SY_ERR_STREAM_NOT_FOUND", "message": "Stream orders does not exist; …", "details": { "stream": "orders" } } }
\`\`\`

\`retriable\` says whether the same request may succeed later unchanged; the client SDK retries those
with backoff. \`{name}\` in a message is filled from \`details\`. This file is generated from
\`packages/protocol/src/errors.ts\` by \`npm run docs:errors\`; a test keeps the two equal.

| code | HTTP | retriable | message |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}
if (import.meta.url === `file://${process.argv[1]}`) {
    writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
    console.log('wrote docs/errors.md');
}
//# sourceMappingURL=errors-doc.js.map