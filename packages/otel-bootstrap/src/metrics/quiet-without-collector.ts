import { diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';

// ExportResultCode.SUCCESS, written out so that wrapping loads nothing.
const SUCCESS = 0;

/**
 * ```ts
 * function quietWithoutCollector<E extends PushMetricExporter>(exporter: E, url: string): E;
 * ```
 *
 * For the case where nobody chose where telemetry goes (traces then print in the terminal while no collector
 * answers, see export/CollectorFallbackExporter.ts): the metric exports to the default endpoint are expected to
 * fail on a laptop without a collector, so a failure is said once, at info level, and then reported to the reader
 * as done, instead of an error every export interval. As soon as a collector answers, exports go through as usual.
 */
export function quietWithoutCollector<E extends PushMetricExporter>(exporter: E, url: string): E {
  let told = false;
  const quiet = Object.create(exporter) as E;
  quiet.export = (metrics, resultCallback: (result: ExportResult) => void) => {
    exporter.export(metrics, (result) => {
      if (result.code === SUCCESS) return resultCallback(result);
      if (!told) {
        told = true;
        diag.info(
          `no collector answers at ${url}, so metrics are not exported until one does ` +
            '(OTEL_METRICS_EXPORTER=none turns metrics off; docs/metrics.md)',
        );
      }
      resultCallback({ code: SUCCESS });
    });
  };
  return quiet;
}
