import type { ReceivedSpan } from './decode';

/** A span with its children, ordered by start time. */
export interface SpanNode {
  readonly span: ReceivedSpan;
  readonly children: SpanNode[];
}

/** Which spans to leave out of a tree; their children move up to the nearest ancestor that is kept. */
export type HideSpan = (span: ReceivedSpan) => boolean;

/** Express's own middleware and handler spans are correct but say nothing about a flow; drawings leave them out. */
export const hideExpressLayers: HideSpan = (span) => span.scope.name === '@opentelemetry/instrumentation-express';

/**
 * Arranges spans into trees by parent id. A span whose parent was not received becomes a root, so a broken trace
 * shows up as more than one root rather than vanishing.
 */
export function buildTrees(spans: readonly ReceivedSpan[], hide: HideSpan = () => false): SpanNode[] {
  const all = new Map(spans.map((span) => [span.spanId, span]));
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) if (!hide(span)) nodes.set(span.spanId, { span, children: [] });
  const visibleAncestor = (span: ReceivedSpan): SpanNode | undefined => {
    let parentId = span.parentSpanId;
    while (parentId) {
      const node = nodes.get(parentId);
      if (node) return node;
      parentId = all.get(parentId)?.parentSpanId ?? '';
    }
    return undefined;
  };
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = visibleAncestor(node.span);
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => (a.span.startTimeUnixNano < b.span.startTimeUnixNano ? -1 : 1);
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

/** Every span below a node, depth first. */
export function descendants(node: SpanNode): ReceivedSpan[] {
  return node.children.flatMap((child) => [child.span, ...descendants(child)]);
}

/** Renders trees as indented text, one span a line: `service: name [KIND]`, with `!` on errors. */
export function renderTrees(roots: readonly SpanNode[]): string {
  const lines: string[] = [];
  const walk = (node: SpanNode, prefix: string, childPrefix: string) => {
    const { span } = node;
    const error = span.status.code === 'ERROR' ? ' ! ERROR' : '';
    lines.push(`${prefix}${span.service}: ${span.name} [${span.kind}]${error}`);
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, `${childPrefix}${last ? '└── ' : '├── '}`, `${childPrefix}${last ? '    ' : '│   '}`);
    });
  };
  for (const root of roots) walk(root, '', '');
  return lines.join('\n');
}

/** The tree shape only (`service: name [KIND]` lines), for exact comparison in assertions. */
export function treeShape(spans: readonly ReceivedSpan[], hide?: HideSpan): string {
  return renderTrees(buildTrees(spans, hide)).replace(/ ! ERROR/g, '');
}
