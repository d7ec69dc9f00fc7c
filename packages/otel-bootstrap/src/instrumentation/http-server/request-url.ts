// Why not always `new URL`: in a process that serves requests one at a time (W3, RabbitMQ, about 450 a second with the
// process 95% idle, as most services run), every request runs on cold caches, and WHATWG URL parsing for `url.path`
// was 8.7 µs of our HTTP server span's 40 µs a request in a CPU profile (bench/findings.md, "Plain request targets").
// Most request targets are plain paths that URL parsing gives back as they are: those are split here instead.

/** The path and query of a request target, as WHATWG URL parsing gives them (`pathname`, `search`). */
export interface RequestUrl {
  readonly pathname: string;
  readonly search: string;
}

/**
 * An origin-form target that URL parsing leaves unchanged: a path (not starting `//`, which parses as a host) of
 * characters outside the path percent-encode set and without `%` (so no encoded dot segments) or `\`, then an optional
 * query of characters outside the special-query percent-encode set. Anything else goes to `new URL`.
 */
const PLAIN_TARGET = /^\/(?!\/)[\w\-.~!$&'()*+,;=:@/]*(?:\?[\w\-.~!$&()*+,;=:@/?%]*)?$/;

/** A `.` or `..` segment, which URL parsing removes: such a target goes to `new URL`. */
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/;

/** Host headers that `new URL` took; bounded, since a client chooses them. */
const goodHosts = new Set<string>();
const MAX_GOOD_HOSTS = 256;

/**
 * The path and query as `new URL(target, scheme://host)` normalises them (`/a/../b` is `/b`), or undefined where that
 * throws (a host URL parsing refuses makes the whole parse fail, so a plain target's host is checked too, once).
 */
export function parseRequestUrl(target: string, scheme: string, host: string): RequestUrl | undefined {
  if (PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(target) && isGoodHost(scheme, host)) {
    const query = target.indexOf('?');
    if (query < 0) return { pathname: target, search: '' };
    return { pathname: target.slice(0, query), search: query === target.length - 1 ? '' : target.slice(query) };
  }
  try {
    return new URL(target, `${scheme}://${host}`);
  } catch {
    return undefined;
  }
}

/** Whether `new URL` takes this host; http and https parse hosts alike, so a host is remembered for both. */
function isGoodHost(scheme: string, host: string): boolean {
  if (goodHosts.has(host)) return true;
  try {
    new URL('/', `${scheme}://${host}`);
  } catch {
    return false;
  }
  if (goodHosts.size < MAX_GOOD_HOSTS) goodHosts.add(host);
  return true;
}
