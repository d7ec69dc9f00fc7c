import { SpanKind } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import type { EndpointRule } from '../config/endpoint-rules';
import { pathGlobToRegExp, valueGlobToRegExp } from '../config/path-glob';
import type { FileRuleMatch } from '../config/rules-file';

/** Decides from what a span has at its start whether a rule applies. */
export type SpanPredicate = (spanName: string, spanKind: SpanKind, attributes: Attributes) => boolean;

/**
 * The method and path of an HTTP server span at its start. The final name ("GET /route") and `http.route` only
 * exist once the response ends, so rules match `http.request.method` and `url.path`.
 */
function methodOf(attributes: Attributes): string | undefined {
  const method = attributes['http.request.method'] ?? attributes['http.method'];
  return typeof method === 'string' ? method.toUpperCase() : undefined;
}

function pathOf(attributes: Attributes): string | undefined {
  const path = attributes['url.path'];
  if (typeof path === 'string') return path;
  const target = attributes['http.target'];
  return typeof target === 'string' ? target.split('?')[0] : undefined;
}

/** A predicate for an OTEL_BOOTSTRAP_SAMPLING_RULES rule. */
export function endpointPredicate(rule: EndpointRule): SpanPredicate {
  return (_name, _kind, attributes) => {
    if (rule.method && methodOf(attributes) !== rule.method) return false;
    const path = pathOf(attributes);
    return path !== undefined && rule.path.test(path);
  };
}

const KIND_NAMES: Readonly<Record<string, SpanKind>> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/**
 * A predicate for a rules-file matcher, or undefined when the rule can never match this service (its `service`
 * glob names another one), so it can be left out altogether.
 */
export function fileRulePredicate(match: FileRuleMatch, serviceName: string): SpanPredicate | undefined {
  if (match.service && !valueGlobToRegExp(match.service).test(serviceName)) return undefined;
  const kind = match.kind ? KIND_NAMES[match.kind] : undefined;
  const method = match.method?.toUpperCase();
  const path = match.path ? pathGlobToRegExp(match.path) : undefined;
  const attributes = Object.entries(match.attributes ?? {}).map(
    ([key, expected]) => [key, typeof expected === 'string' ? valueGlobToRegExp(expected) : expected] as const,
  );
  return (_name, spanKind, spanAttributes) => {
    if (kind !== undefined && spanKind !== kind) return false;
    if (method && methodOf(spanAttributes) !== method) return false;
    if (path) {
      const spanPath = pathOf(spanAttributes);
      if (spanPath === undefined || !path.test(spanPath)) return false;
    }
    return attributes.every(([key, expected]) => {
      const actual = spanAttributes[key];
      if (expected instanceof RegExp) return actual !== undefined && expected.test(String(actual));
      return actual === expected;
    });
  };
}
