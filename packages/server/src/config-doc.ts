import { SETTINGS } from './config.ts';

/** The whole text of docs/configuration.md, rendered from the settings table. */
export function renderConfigurationDoc(): string {
  const rows = SETTINGS.map(
    (s) =>
      `| \`${s.key}\` | \`--${s.flag}\` | \`${s.env}\` | \`${s.default}\` | ${s.doc}${s.values ? ` (${s.values.join(', ')})` : ''} |`,
  );
  return `# Configuration

The server reads each setting from, in order of precedence: a command-line flag, a \`SWITCHYARD_*\`
environment variable, a JSON config file (\`--config FILE\` or \`SWITCHYARD_CONFIG\`), then the default.
Defaults work out of the box. Sizes are bytes; durations are milliseconds. Invalid values stop the
server at start with \`SY_ERR_CONFIG_INVALID\` and the reason.

\`\`\`sh
switchyard start --port 9000 --data-dir /var/lib/switchyard
SWITCHYARD_FSYNC=interval switchyard start
echo '{"port": 9000, "maxEventBytes": 262144}' > switchyard.json && switchyard start --config switchyard.json
\`\`\`

| setting | flag | environment | default | meaning |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

This file is generated from \`packages/server/src/config.ts\` by \`npm run docs\`; a test keeps them equal.
`;
}
