import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';

/** How the bootstrap is loaded: `--require` for CommonJS apps, `--import` for ESM apps. */
export type LoadMode = 'require' | 'import' | 'none';

export interface FixtureOptions {
  /** Absolute path of the fixture script. */
  readonly script: string;
  readonly mode?: LoadMode;
  /** Extra environment, merged over a clean copy of this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly args?: readonly string[];
  /** The module to preload; the published package name by default, resolved from the fixture's folder. */
  readonly bootstrap?: string;
  /** The working directory; the fixture's folder by default. */
  readonly cwd?: string;
  /** The node binary; this process's by default. */
  readonly node?: string;
}

export interface FixtureExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fixture running as a real `node` child process. */
export class RunningFixture {
  stdout = '';
  stderr = '';
  readonly exited: Promise<FixtureExit>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /**
   * Resolves with the first stdout line matching `pattern` (e.g. the port a server prints when it listens).
   * Rejects if the process exits first or the timeout passes.
   */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stdout.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const onExit = () => {
        cleanup();
        reject(
          new Error(`fixture exited before printing ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`),
        );
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fixture did not print ${pattern} in ${timeoutMs} ms\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', check);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Starts a fixture under `node --require <bootstrap>` (or `--import`) and returns at once. */
export function startFixture(options: FixtureOptions): RunningFixture {
  const mode = options.mode ?? (options.script.endsWith('.mjs') ? 'import' : 'require');
  const bootstrap = options.bootstrap ?? '@org/otel-bootstrap';
  const flags = mode === 'none' ? [] : [`--${mode}`, bootstrap];
  const child = spawn(options.node ?? process.execPath, [...flags, options.script, ...(options.args ?? [])], {
    cwd: options.cwd ?? dirname(options.script),
    env: { ...cleanEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RunningFixture(child);
}

/** Runs a fixture to its end. */
export function runFixture(options: FixtureOptions): Promise<FixtureExit> {
  return startFixture(options).exited;
}

/**
 * This process's environment without OTel variables and without jest's NODE_OPTIONS, so a fixture sees only what
 * the test gives it.
 */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS' || key === 'NODE_ENV' || key.startsWith('JEST_')) continue;
    env[key] = value;
  }
  return env;
}
