import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';

export type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/** A server span not ended yet, as its response carries it. */
export interface OpenSpan {
  readonly span: Span;
  /** Where express and fastify report the matched route, as they do to upstream's instrumentation. */
  readonly rpcMetadata: RPCMetadata;
  /** For `http.server.request.duration`: when the request arrived (performance.now()), its start attributes. */
  readonly start: number;
  readonly attributes: Attributes;
  /** The request's context, which holds the span: the duration's exemplar points at it. */
  readonly active: Context;
  /** Whether its duration is recorded (metrics on). */
  readonly measured: boolean;
}

/** What a request or response in flight carries for its server span. */
export interface ServerSpanState {
  /** The emit it had (its own or its prototype's), which ours chains to. */
  readonly emit: Emit;
  /** The request's context, in which its events run. */
  readonly context: Context;
  /** A response's server spans not ended yet: usually one; more if the app re-emits 'request' for it. */
  readonly openSpans?: OpenSpan[];
}

/** A base class whose constructor returns the object it is given, so a subclass adds its private field to it. */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

/**
 * The state rides on the request and response as a private field, which no one else can see or copy:
 * `Object.keys(req)`, `{ ...req }`, `Reflect.ownKeys` and loggers that walk the request find what they find
 * untraced (issue 19). A hidden symbol needed `Object.defineProperty`, a hidden-class change outside V8's inline
 * caches; this field costs about 10 ns an object (bench/findings.md, "Server span state in a private field").
 */
export class ServerSpanStateField extends ReturnsTarget {
  readonly #state: ServerSpanState;

  private constructor(target: object, state: ServerSpanState) {
    super(target);
    this.#state = state;
  }

  /** The state `target` itself carries (not its prototypes'), if any. */
  static of(target: object): ServerSpanState | undefined {
    return #state in target ? target.#state : undefined;
  }

  /** Gives `target` its state; one that already has one keeps it, which is returned. */
  static attach(target: object, state: ServerSpanState): ServerSpanState {
    const existing = ServerSpanStateField.of(target);
    if (existing) return existing;
    new ServerSpanStateField(target, state);
    return state;
  }
}
