import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { InstrumentationConfig, InstrumentationName } from '../config/read-config';
import { LOADED_ON_IMPORT_OF } from '../instrumentation/factories';
import type { ModuleHookStatus } from '../instrumentation/patch-report';
import type { StepResult } from './endpoint-check';

/** The libraries whose load shows whether an instrumentation works; the others listen on diagnostics channels. */
const LIBRARIES: Partial<Record<InstrumentationName, readonly string[]>> = { http: ['http'], ...LOADED_ON_IMPORT_OF };

/** What the probe process prints: the libraries it could load from the app's folder, and what each hook did. */
interface ProbeOutput {
  readonly loaded: string[];
  readonly hooks: ModuleHookStatus[] | undefined;
}

// Runs under `node --require <bootstrap>` in the app's folder: loads each library the app has installed, as the
// app's own require would, then asks the bootstrap what its hooks did.
const PROBE = `
const appRequire = require('node:module').createRequire(require('node:path').join(process.cwd(), 'app.js'));
const loaded = [];
for (const library of JSON.parse(process.argv[1])) {
  try { appRequire.resolve(library); } catch { continue; }
  try { appRequire(library); loaded.push(library); } catch {}
}
const api = require(process.argv[2]);
process.stdout.write(JSON.stringify({ loaded, hooks: api.moduleHookStatus ? api.moduleHookStatus() : undefined }));
`;

/**
 * Starts the bootstrap the way the app would (the copy installed in the app's folder, else this one), loads the
 * app's libraries, and fails when an instrumentation patched nothing in a library the app has: the silent failure
 * of issue 18, where a user's install nested copies of @opentelemetry/instrumentation.
 */
export async function probeApp(
  config: InstrumentationConfig,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<StepResult> {
  const libraries = config.enabled.flatMap((name) => LIBRARIES[name] ?? []);
  const entry = bootstrapEntry(cwd);
  // The probe only loads libraries: it exports nothing, and must not take the app's Prometheus port.
  const quiet = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  const run = await runProbe(entry, libraries, { ...env, ...quiet }, cwd);
  const startFailure = /tracing could not start[^\n]*/.exec(run.stderr)?.[0];
  if (startFailure) return { ok: false, detail: startFailure, hint: `run by node ${process.version} from ${entry}` };
  let output: ProbeOutput;
  try {
    output = JSON.parse(run.stdout) as ProbeOutput;
  } catch {
    return { ok: false, detail: `the probe under ${entry} printed no report`, hint: run.stderr.trim().slice(0, 500) };
  }
  return judge(config.enabled, output);
}

function judge(names: readonly InstrumentationName[], { loaded, hooks }: ProbeOutput): StepResult {
  if (!hooks) return { ok: true, detail: 'the installed @org/otel-bootstrap is too old to report its hooks' };
  const patched: string[] = [];
  const failures: string[] = [];
  const unused: string[] = [];
  for (const name of names) {
    const libraries = LIBRARIES[name];
    if (!libraries) continue;
    if (!libraries.some((library) => loaded.includes(library))) {
      unused.push(name);
      continue;
    }
    const own = hooks.filter((hook) => libraries.includes(hook.module));
    const done = own.filter((hook) => hook.patched);
    if (done.length > 0) patched.push(`${name} (${describeHook(done[0])})`);
    else failures.push(`${name}: ${whyNotPatched(own)}`);
  }
  const unusedText = unused.length > 0 ? `; not used by this app: ${unused.join(', ')}` : '';
  if (failures.length === 0) return { ok: true, detail: `patched: ${patched.join(', ') || 'nothing'}${unusedText}` };
  return {
    ok: false,
    detail: `patched nothing: ${failures.join('; ')}`,
    hint:
      'run `npm ls @opentelemetry/instrumentation` in the app: OTEL_BOOTSTRAP_LAZY_INSTRUMENTATIONS=false creates ' +
      'every instrumentation at startup, and a library outside the supported versions is never patched',
  };
}

function describeHook(hook: ModuleHookStatus): string {
  return hook.seenVersion ? `${hook.module} ${hook.seenVersion}` : hook.module;
}

function whyNotPatched(hooks: readonly ModuleHookStatus[]): string {
  if (hooks.length === 0) return 'no instrumentation was created for it (see the warnings with OTEL_LOG_LEVEL=warn)';
  const seen = hooks.find((hook) => hook.seenVersion !== undefined);
  if (seen) {
    return `${seen.module} ${seen.seenVersion} is outside the versions ${seen.instrumentation} supports (${seen.supportedVersions.join(', ')})`;
  }
  return `${hooks[0].instrumentation} never saw ${hooks.map((h) => h.module).join(' or ')} load`;
}

/** The bootstrap the app's `--require @org/otel-bootstrap` would load, or this CLI's own. */
function bootstrapEntry(cwd: string): string {
  try {
    return require.resolve('@org/otel-bootstrap', { paths: [cwd] });
  } catch {
    return join(__dirname, '..', 'register.js');
  }
}

function runProbe(
  entry: string,
  libraries: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<{ stdout: string; stderr: string }> {
  const api = join(dirname(entry), 'index.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', entry, '-e', PROBE, JSON.stringify(libraries), api], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ stdout, stderr: `${stderr}${String(error)}` }));
    child.on('close', () => resolve({ stdout, stderr }));
  });
}
