import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** A span with its local children, ordered by start time. */
interface Node {
  readonly span: ReadableSpan;
  readonly children: Node[];
}

const MESSAGE_LIMIT = 120;

/**
 * Draws the spans of one trace as an indented tree, one span a line, as in our docs:
 *
 *   trace 4bf92f3577b34da6a3ce929d0e0e4736
 *   api-gateway  POST /orders  182.4 ms
 *   ├── api-gateway  GET  12.1 ms
 *   └── api-gateway  POST  150.0 ms  ✗ orders answered 500
 *
 * A span whose parent is not among `spans` (a remote parent, or one still open) starts a tree of its own.
 */
export function renderTraceTree(spans: readonly ReadableSpan[]): string {
  if (spans.length === 0) return '';
  const lines = [`trace ${spans[0].spanContext().traceId}`];
  const walk = (node: Node, prefix: string, childPrefix: string) => {
    lines.push(`${prefix}${describe(node.span)}`);
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, `${childPrefix}${last ? '└── ' : '├── '}`, `${childPrefix}${last ? '    ' : '│   '}`);
    });
  };
  for (const root of arrange(spans)) walk(root, '', '');
  return lines.join('\n');
}

function arrange(spans: readonly ReadableSpan[]): Node[] {
  const nodes = new Map(spans.map((span) => [span.spanContext().spanId, { span, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = nodes.get(node.span.parentSpanContext?.spanId ?? '');
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: Node, b: Node) => hrMillis(a.span.startTime) - hrMillis(b.span.startTime);
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

function describe(span: ReadableSpan): string {
  const service = span.resource.attributes['service.name'];
  const duration = `${hrMillis(span.duration).toFixed(1)} ms`;
  const error = span.status.code === SpanStatusCode.ERROR ? `  ✗ ${errorMessage(span)}` : '';
  return `${String(service)}  ${span.name}  ${duration}${error}`;
}

function errorMessage(span: ReadableSpan): string {
  const exception = span.events.find((event) => event.name === 'exception')?.attributes?.['exception.message'];
  const message = span.status.message || (typeof exception === 'string' ? exception : '') || 'error';
  const oneLine = message.replace(/\s+/g, ' ');
  return oneLine.length > MESSAGE_LIMIT ? `${oneLine.slice(0, MESSAGE_LIMIT)}…` : oneLine;
}

function hrMillis([seconds, nanos]: readonly [number, number]): number {
  return seconds * 1e3 + nanos / 1e6;
}
