import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { RedactionRules } from './redaction-rules';

/**
 * Scrubs secrets from every span before anything else sees it: secret headers and attribute keys, secret query
 * values in URLs, SQL literals (for systems not already scrubbed at the source), and the same in event attributes,
 * exception messages and the status message. A redacted value becomes `[REDACTED]`.
 *
 * It works in `onEnding`, while the span can still be changed, so no copy is made and every processor after it
 * (the keep buffer, the batch processor, the exporter) only ever holds the scrubbed span.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(
    private readonly next: SpanProcessor,
    private readonly rules: RedactionRules,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    const changes = this.rules.changes(span.attributes);
    if (changes) span.setAttributes(changes);
    for (const event of span.events) {
      const eventChanges = event.attributes && this.rules.changes(event.attributes);
      // Events are plain records the span owns; until the span ends they may still be amended.
      if (eventChanges) Object.assign(event.attributes as object, eventChanges);
    }
    const { code, message } = span.status;
    if (message) {
      const redacted = this.rules.redactText(message);
      if (redacted !== message) span.setStatus({ code, message: redacted });
    }
    this.next.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
