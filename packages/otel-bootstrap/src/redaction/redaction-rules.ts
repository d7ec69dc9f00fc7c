import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { valueGlobToRegExp } from '../config/path-glob';
import type { RedactionConfig } from '../config/read-config';
import { scrubErrorText } from './error-text';
import { scrubSqlLiterals } from './sql-literals';

export const REDACTED = '[REDACTED]';

/** Headers that always carry credentials. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-api-key']);
/** A header whose name contains one of these is treated as secret too (x-auth-token, x-session-id, x-secret...). */
const SECRET_HEADER_PARTS = /token|secret|password|key|session/i;
/** Attribute key segments (between dots) that name a secret: `user.password`, `app.api_key`, `db.credentials`. */
const SECRET_KEY_SEGMENT =
  /^(password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|id_token|api_key|apikey|authorization|auth_token|cookie|credentials?|private_key|session_id|sessionid)$/i;
/** Query keys whose values are secrets. */
const DEFAULT_QUERY_KEYS = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'key',
  'sig',
  'signature',
  'x-amz-signature',
  'x-goog-signature',
  'code',
  'auth',
  'jwt',
  'session',
  'sessionid',
];
const URL_ATTRIBUTES = ['url.full', 'url.query', 'url.original', 'http.url', 'http.target'];
const SQL_ATTRIBUTES = ['db.query.text', 'db.statement'];
/** Attributes that carry an error's text (on the exception event, or on a span that records errors its own way). */
const ERROR_TEXT_ATTRIBUTES = ['exception.message', 'exception.stacktrace', 'exception.type', 'error.message'];
/** Systems whose statements are already scrubbed at the source (our pg instrumentation, or pg's request hook under upstream's; our Redis serializer). */
const SCRUBBED_AT_SOURCE = new Set(['postgresql', 'redis']);

/** What every credential {@link RedactionRules.redactCredentials} scrubs needs: `key=`, `user:pass@`, or a scheme word. */
const MAY_HOLD_CREDENTIALS = /[=@]|\b(?:Bearer|Basic|Token)\s/;

/** What to redact beyond the defaults (OTEL_BOOTSTRAP_REDACT_KEYS, OTEL_BOOTSTRAP_REDACT_QUERY_KEYS). */
export type RedactionOptions = Pick<RedactionConfig, 'extraKeyGlobs' | 'extraQueryKeys'>;

/** The compiled rules: what to replace in a span's attributes, event attributes and messages. */
export class RedactionRules {
  private readonly extraKeys: RegExp[];
  private readonly queryKeys: Set<string>;
  private readonly queryPattern: RegExp;
  /** Attribute keys repeat across spans; their verdicts are cached so each span costs a lookup per key. */
  private readonly secretKeys = new Map<string, boolean>();

  constructor(options: RedactionOptions) {
    this.extraKeys = options.extraKeyGlobs.map((glob) => new RegExp(valueGlobToRegExp(glob).source, 'i'));
    this.queryKeys = new Set([...DEFAULT_QUERY_KEYS, ...options.extraQueryKeys].map((k) => k.toLowerCase()));
    const alternatives = [...this.queryKeys].map((k) => k.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
    // key=value after ?, & or ; (or at the start of a bare query string), value up to the next separator
    this.queryPattern = new RegExp(`(^|[?&;\\s])(${alternatives})=([^&;#\\s"'<>]*)`, 'gi');
  }

  /** The attributes to replace, or undefined when nothing in them is secret (the common case). */
  changes(attributes: Attributes): Attributes | undefined {
    let changes: Attributes | undefined;
    const sqlSystem = String(attributes['db.system.name'] ?? attributes['db.system'] ?? '');
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue;
      let replacement: AttributeValue | undefined;
      if (this.isSecretKey(key)) {
        replacement = Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
      } else if (typeof value === 'string') {
        if (URL_ATTRIBUTES.includes(key)) replacement = this.redactUrl(value);
        else if (SQL_ATTRIBUTES.includes(key) && sqlSystem && !SCRUBBED_AT_SOURCE.has(sqlSystem)) {
          replacement = scrubSqlLiterals(value);
        } else if (ERROR_TEXT_ATTRIBUTES.includes(key)) replacement = this.redactText(value);
      }
      if (replacement !== undefined && replacement !== value) (changes ??= {})[key] = replacement;
    }
    return changes;
  }

  /**
   * Secrets inside an error's text (exception and status messages, stack traces): query values, bearer tokens, URL
   * passwords, and the values the message quotes or PostgreSQL's key and row details hold (see error-text.ts).
   */
  redactText(text: string): string {
    return scrubErrorText(this.redactCredentials(text), REDACTED);
  }

  /**
   * Secrets any free text may hold, whatever names it: query values, bearer tokens and URL passwords. What log
   * records get for their body and every string value, since their attributes have no fixed names that say a URL.
   */
  redactCredentials(text: string): string {
    // Most log strings hold none of them: one test instead of three replaces, on every string of every record.
    if (!MAY_HOLD_CREDENTIALS.test(text)) return text;
    return this.redactUrl(text).replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`);
  }

  /** Whether an attribute's key names a secret (by default or by OTEL_BOOTSTRAP_REDACT_KEYS), so its value never leaves. */
  isSecretKey(key: string): boolean {
    let verdict = this.secretKeys.get(key);
    if (verdict === undefined) {
      verdict = this.judgeKey(key);
      if (this.secretKeys.size >= 10_000) this.secretKeys.clear(); // keys built from data must not grow it forever
      this.secretKeys.set(key, verdict);
    }
    return verdict;
  }

  private redactUrl(text: string): string {
    return text
      .replace(this.queryPattern, (_m, start: string, key: string) => `${start}${key}=${REDACTED}`)
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^@/\s]+@/gi, `$1:${REDACTED}@`);
  }

  private judgeKey(key: string): boolean {
    const header = /^http\.(request|response)\.header\.(.+)$/.exec(key);
    if (header) {
      const name = header[2].toLowerCase();
      return SECRET_HEADERS.has(name) || SECRET_HEADER_PARTS.test(name);
    }
    if (key.split('.').some((segment) => SECRET_KEY_SEGMENT.test(segment))) return true;
    return this.extraKeys.some((pattern) => pattern.test(key));
  }
}
