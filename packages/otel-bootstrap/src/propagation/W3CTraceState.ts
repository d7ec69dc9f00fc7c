import type { TraceState } from '@opentelemetry/api';

// W3C Trace Context Level 2 (https://www.w3.org/TR/trace-context-2/#tracestate-header-field-values):
//   key      = ( lcalpha / DIGIT ) 0*255 ( keychar ), keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
//   value    = 0*255( chr ) nblk-chr, printable ASCII but "," and "=", not ending in a space
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const OWS = /^[ \t]+|[ \t]+$/g;
const MAX_MEMBERS = 32;
/** What we pass on: the spec asks for at least 512 characters, and to cut whole members, the long ones first. */
const MAX_LENGTH = 512;
const LONG_MEMBER = 128;

type Member = readonly [key: string, value: string];

/**
 * A `tracestate` as Level 2 defines it. `@opentelemetry/core`'s TraceState still validates keys with Level 1's
 * grammar (a `tenant@vendor` split with at most 241 and 14 characters, no digit first without it) and drops the
 * members it does not know, so a strict propagator on top of it forwarded a partial tracestate.
 */
export class W3CTraceState implements TraceState {
  private constructor(private readonly members: readonly Member[]) {}

  /**
   * The members of a `tracestate` header (repeated headers joined by ","), or undefined when any member is invalid
   * or there are more than 32: a header we cannot read whole is not ours to forward. Empty members are allowed;
   * of a duplicated key the first is kept. Past 512 characters whole members are dropped, see {@link fit}.
   */
  static parse(header: string): W3CTraceState | undefined {
    const members: Member[] = [];
    let count = 0;
    for (const raw of header.split(',')) {
      const member = raw.replace(OWS, '');
      if (member === '') continue;
      if (++count > MAX_MEMBERS) return undefined;
      const eq = member.indexOf('=');
      const key = member.slice(0, eq);
      const value = member.slice(eq + 1);
      if (eq < 0 || !KEY.test(key) || !VALUE.test(value)) return undefined;
      if (!members.some(([known]) => known === key)) members.push([key, value]);
    }
    return new W3CTraceState(fit(members));
  }

  /** Adds or updates a member on the left, as the spec's mutations do; an invalid key or value changes nothing. */
  set(key: string, value: string): TraceState {
    if (!KEY.test(key) || !VALUE.test(value)) return this;
    const others = this.members.filter(([known]) => known !== key);
    return new W3CTraceState(fit([[key, value], ...others.slice(0, MAX_MEMBERS - 1)]));
  }

  unset(key: string): TraceState {
    return new W3CTraceState(this.members.filter(([known]) => known !== key));
  }

  get(key: string): string | undefined {
    return this.members.find(([known]) => known === key)?.[1];
  }

  serialize(): string {
    return this.members.map(([key, value]) => `${key}=${value}`).join(',');
  }
}

/** Drops whole members until the header fits: the right-most member over 128 characters first, then from the end. */
function fit(members: Member[]): Member[] {
  const length = (list: readonly Member[]) => list.reduce((sum, [k, v]) => sum + k.length + v.length + 2, -1);
  while (members.length > 0 && length(members) > MAX_LENGTH) {
    const long = members.findLastIndex(([k, v]) => k.length + v.length + 1 > LONG_MEMBER);
    members.splice(long >= 0 ? long : members.length - 1, 1);
  }
  return members;
}
