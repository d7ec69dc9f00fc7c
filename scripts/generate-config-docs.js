// Writes docs/configuration.md from the configuration table (packages/otel-bootstrap/src/config/config-table.ts, built).
// Run `npm run docs:config` after changing a row; a unit test fails while the page and the table disagree.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { CONFIG_ROWS } = require('../packages/otel-bootstrap/dist/config/config-table.js');

const intro = `# Configuration

Everything is set through environment variables. One folder, \`packages/otel-bootstrap/src/config/\`, reads them
all, against the table in \`config-table.ts\`; this page has a section for each row of that table (it is generated
from it by \`npm run docs:config\`), and a unit test fails when the two disagree.

A bad value never stops your app. It gives one warning on stderr that names the variable, the value, what was
expected and the fallback used, for example:

\`\`\`
[otel-bootstrap] warn: OTEL_BSP_SCHEDULE_DELAY="soon" is invalid: expected a whole number of at least 0; using the default "5000".
\`\`\`

Values of the header variables are never printed, since they usually carry credentials.

A renamed variable's old name (listed under "Replaces") still works while the new one is unset, with one warning
naming the new one; when both are set, the new one wins.

The five variables most services set:

| variable | example |
|---|---|
| \`OTEL_SERVICE_NAME\` | \`checkout\` |
| \`OTEL_EXPORTER_OTLP_ENDPOINT\` | \`http://jaeger:4318\` |
| \`OTEL_TRACES_SAMPLER\` | \`parentbased_traceidratio\` |
| \`OTEL_TRACES_SAMPLER_ARG\` | \`0.1\` |
| \`OTEL_RESOURCE_ATTRIBUTES\` | \`deployment.environment.name=prod\` |

Sampling is explained in [sampling.md](sampling.md), TLS for OTLP export in [security.md](security.md).

`;

const outro = `## Not supported: \`OTEL_CONFIG_FILE\`

The upstream SDK's declarative configuration file is ignored: this distribution sets the SDK up itself, from the
variables on this page only.
`;

const code = (value) => `\`${value}\``;
const sections = CONFIG_ROWS.map((row) => {
  const lines = [`## ${code(row.key)}`, '', row.description, '', `- Type: ${row.type}`];
  const fallback = row.default === undefined ? 'unset' : row.default === '' ? 'empty' : code(row.default);
  lines.push(`- Default: ${fallback}`);
  if (row.allowed) lines.push(`- Allowed: ${row.allowed.map(code).join(', ')}`);
  if (row.min !== undefined) lines.push(`- Minimum: ${row.min}`);
  if (row.replaces) lines.push(`- Replaces: ${code(row.replaces)} (deprecated)`);
  return `${lines.join('\n')}\n\n`;
});

writeFileSync(join(__dirname, '..', 'docs', 'configuration.md'), intro + sections.join('') + outro);
