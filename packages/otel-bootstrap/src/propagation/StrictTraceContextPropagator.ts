import { trace } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const MAX_MEMBERS = 32;
const KEY = /^([a-z0-9][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * W3C trace context with a strict `tracestate`. Upstream keeps the valid members of a malformed header and drops the
 * rest, and then sends an empty `tracestate:` header when nothing was left. Trace Context Level 1 allows dropping the
 * whole header on any invalid member, strict test suites expect it, and a header we cannot parse is not ours to
 * forward: so one invalid member (or more than 32) drops the whole tracestate, and an empty one is never sent.
 * The traceparent itself is handled by upstream unchanged.
 */
export class StrictTraceContextPropagator implements TextMapPropagator {
  private readonly inner = new W3CTraceContextPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.inner.inject(context, carrier, {
      set: (target, key, value) => {
        if (key === 'tracestate' && value.trim() === '') return;
        setter.set(target, key, value);
      },
    });
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = this.inner.extract(context, carrier, getter);
    const spanContext = trace.getSpanContext(extracted);
    if (!spanContext?.traceState || spanContext === trace.getSpanContext(context)) return extracted;
    const raw = getter.get(carrier, 'tracestate');
    const header = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    if (isValidTraceState(header) && spanContext.traceState.serialize() !== '') return extracted;
    return trace.setSpanContext(extracted, { ...spanContext, traceState: undefined });
  }

  fields(): string[] {
    return this.inner.fields();
  }
}

/** Trace Context Level 1: at most 32 list members, each `key=value` with the spec's characters; empty members allowed. */
export function isValidTraceState(header: string): boolean {
  const members = header
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
  if (members.length > MAX_MEMBERS) return false;
  return members.every((member) => {
    const eq = member.indexOf('=');
    return eq > 0 && KEY.test(member.slice(0, eq)) && VALUE.test(member.slice(eq + 1));
  });
}
