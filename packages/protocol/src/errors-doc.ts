import { ERRORS } from './errors.ts';

/** The whole text of docs/errors.md, rendered from the catalogue. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERRORS).map(
    ([code, spec]) =>
      `| \`${code}\` | ${spec.status} | ${spec.retriable ? 'yes' : 'no'} | ${spec.message.replaceAll('|', '\\|')} |`,
  );
  return `# Error catalogue

Every error Switchyard returns has a stable code. HTTP answers carry it in the body:

\`\`\`json
{ "error": { "code": "SY_ERR_STREAM_NOT_FOUND", "message": "Stream orders does not exist; …", "details": { "stream": "orders" } } }
\`\`\`

\`retriable\` says whether the same request may succeed later unchanged; the client SDK retries those
with backoff. \`{name}\` in a message is filled from \`details\`. This file is generated from
\`packages/protocol/src/errors.ts\` by \`npm run docs\`; a test keeps the two equal.

| code | HTTP | retriable | message |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}
