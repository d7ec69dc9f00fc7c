/** What a PromQL expression reads: the metric names it selects and the label names it matches or groups by. */
export interface PromqlUse {
  metrics: string[];
  labels: string[];
}

// Enough PromQL for our dashboard: selectors with matchers, ranges, functions and aggregations with by/without.
// Grafana's `label_values(metric, label)` variable query is read the same way.
export function promqlUse(expr: string): PromqlUse {
  const labels: string[] = [];
  const metrics: string[] = [];
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  rest = rest.replace(
    /\blabel_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)/g,
    (_m, metric: string, label: string) => {
      metrics.push(metric);
      labels.push(label);
      return ' ';
    },
  );
  rest = rest.replace(/\{([^}]*)\}/g, (_m, matchers: string) => {
    for (const [, label] of matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.push(label);
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  rest = rest.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, list: string) => {
    labels.push(
      ...list
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    return ' ';
  });
  // Left: metric names, function names (followed by a parenthesis), operators, numbers and keywords.
  for (const [, name, call] of rest.matchAll(/([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    if (!call && !['and', 'or', 'unless', 'bool', 'offset'].includes(name)) metrics.push(name);
  }
  return { metrics: [...new Set(metrics)], labels: [...new Set(labels)] };
}
