import { diag } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { redactLogRecord } from './log-record-redaction';
import type { RedactionRules } from './redaction-rules';

/**
 * Scrubs secrets from every log record before anything else sees it, with the rules and code spans get
 * (see log-record-redaction.ts). It works in `onEmit`, the only time the SDK lets a record change, so the batch
 * processor and the exporter only ever hold the scrubbed record.
 *
 * A record that cannot be scrubbed is dropped rather than sent as it is; the first such failure is reported.
 */
export class RedactingLogRecordProcessor implements LogRecordProcessor {
  private reported = false;

  constructor(
    private readonly next: LogRecordProcessor,
    private readonly rules: RedactionRules,
  ) {}

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    try {
      redactLogRecord(record, this.rules);
    } catch (error) {
      if (!this.reported) diag.error('could not redact a log record; it is dropped (reported once)', error);
      this.reported = true;
      return;
    }
    this.next.onEmit(record, context);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
