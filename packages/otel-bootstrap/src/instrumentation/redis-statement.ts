/** Commands whose first argument is not a key: nothing of theirs may be exported (AUTH carries a password). */
const KEYLESS = new Set([
  'auth',
  'hello',
  'echo',
  'ping',
  'select',
  'client',
  'config',
  'acl',
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'fcall',
  'fcall_ro',
  'script',
  'function',
  'info',
  'publish',
  'spublish',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'migrate',
  'module',
  'debug',
]);

/**
 * `db.query.text` for a Redis command: the command and its key, never the values. `SET user:42 {"email":...}`
 * becomes `SET user:42 [1 other arguments]`. Upstream's default serializer exports every argument of many
 * commands (SADD members, HSET fields, EVAL scripts), which is where apps keep their data.
 */
export function redisStatement(command: string, args: readonly unknown[]): string {
  const name = command.toUpperCase();
  if (args.length === 0) return name;
  if (KEYLESS.has(command.toLowerCase())) {
    // The subcommand (CLIENT SETINFO, CONFIG GET) is a keyword, never data: it tells what the span did.
    const sub = SUBCOMMAND_OF.has(command.toLowerCase()) ? subcommand(args[0]) : undefined;
    if (sub === undefined) return `${name} [${args.length} arguments]`;
    return args.length === 1 ? `${name} ${sub}` : `${name} ${sub} [${args.length - 1} arguments]`;
  }
  const key = printableKey(args[0]);
  return args.length === 1 ? `${name} ${key}` : `${name} ${key} [${args.length - 1} other arguments]`;
}

/** Keyless commands whose first argument is a subcommand keyword. */
const SUBCOMMAND_OF = new Set(['client', 'config', 'acl', 'script', 'function', 'module', 'debug']);

function subcommand(arg: unknown): string | undefined {
  const text = Buffer.isBuffer(arg) ? arg.toString('latin1') : String(arg);
  return /^[a-z][a-z-]{0,23}$/i.test(text) ? text.toUpperCase() : undefined;
}

function printableKey(key: unknown): string {
  const text = Buffer.isBuffer(key) ? key.toString('utf8') : String(key);
  return text.length > 256 ? `${text.slice(0, 256)}…` : text;
}
