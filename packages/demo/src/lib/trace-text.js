// One whole trace as text, in the bootstrap's terminal format (docs/jaeger.md), services included:
//
//   trace 4bf92f3577b34da6a3ce929d0e0e4736
//   api-gateway  POST /orders  182.4 ms
//   ├── api-gateway  GET  12.1 ms
//   │   └── users  GET /users/:id  9.8 ms
//   └── api-gateway  POST  150.0 ms  ✗ orders answered 500
//
// Express's own middleware spans are left out, as in the test drawings: they say nothing about the flow.
const { buildTrees, hideExpressLayers } = require('@org/otel-testing');

const MESSAGE_LIMIT = 120;

/** `note` goes on the header line, e.g. how many traces were not printed before this one. */
function renderTrace({ traceId, spans }, note = '') {
  const lines = [`trace ${traceId}${note ? `  (${note})` : ''}`];
  const walk = (node, prefix, childPrefix) => {
    lines.push(`${prefix}${describe(node.span)}`);
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, `${childPrefix}${last ? '└── ' : '├── '}`, `${childPrefix}${last ? '    ' : '│   '}`);
    });
  };
  for (const root of buildTrees(spans, hideExpressLayers)) walk(root, '', '');
  return lines.join('\n');
}

function describe(span) {
  const duration = `${(Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6).toFixed(1)} ms`;
  const error = span.status.code === 'ERROR' ? `  ✗ ${errorMessage(span)}` : '';
  return `${span.service}  ${span.name}  ${duration}${error}`;
}

function errorMessage(span) {
  const exception = span.events.find((event) => event.name === 'exception')?.attributes['exception.message'];
  const message = span.status.message || (typeof exception === 'string' ? exception : '') || 'error';
  const oneLine = message.replace(/\s+/g, ' ');
  return oneLine.length > MESSAGE_LIMIT ? `${oneLine.slice(0, MESSAGE_LIMIT)}…` : oneLine;
}

module.exports = { renderTrace };
