import { parseRatio } from './parse-values';
import { pathGlobToRegExp } from './path-glob';

/** One per-endpoint rule: an optional method, a path glob and a ratio. */
export interface EndpointRule {
  /** The rule as the user wrote it, reported on the spans it keeps. */
  readonly text: string;
  readonly method: string | undefined;
  readonly path: RegExp;
  readonly ratio: number;
}

/** The outcome of parsing OTEL_BOOTSTRAP_SAMPLING_RULES: the good rules, and one message per bad one. */
export interface ParsedRules {
  readonly rules: EndpointRule[];
  readonly problems: string[];
}

const RULE = /^(?:([A-Za-z]+)\s+)?(\/\S*)\s*=\s*(\S+)$/;

/**
 * Parses `GET /health*=0; /api/payments/**=1; POST /api/orders=0.5`. Rules are separated by `;` or `,`; a bad rule is
 * reported and left out, and the others still apply in their order.
 */
export function parseEndpointRules(value: string): ParsedRules {
  const rules: EndpointRule[] = [];
  const problems: string[] = [];
  for (const raw of value.split(/[;,]/)) {
    const text = raw.trim();
    if (text === '') continue;
    const match = RULE.exec(text);
    const ratio = match ? parseRatio(match[3]) : undefined;
    if (!match || ratio === undefined) {
      problems.push(
        `OTEL_BOOTSTRAP_SAMPLING_RULES rule "${text.slice(0, 200)}" is invalid: expected ` +
          '"[METHOD] /path/glob=ratio" with a ratio from 0 to 1; ignoring this rule.',
      );
      continue;
    }
    rules.push({ text, method: match[1]?.toUpperCase(), path: pathGlobToRegExp(match[2]), ratio });
  }
  return { rules, problems };
}
