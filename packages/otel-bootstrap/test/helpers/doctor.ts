import { join } from 'node:path';
import { runFixture } from '@org/otel-testing';
import type { FixtureEnv, FixtureExit } from '@org/otel-testing';

/** The built command line, as `npx otel-bootstrap` runs it. */
export const CLI = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

/** What `otel-bootstrap doctor --json` prints. */
export interface DoctorReport {
  exitCode: number;
  configuration: Record<string, string>;
  warnings: string[];
  steps: { name: string; ok: boolean; detail: string; hint?: string }[];
  traceId?: string;
  traceUrl?: string;
}

/** Where the command runs: the app's folder and the Node it runs on, this process's by default. */
export interface CliOptions {
  readonly cwd?: string;
  readonly node?: string;
}

/** Runs the command line with exactly `env` over a clean environment (no receiver is added to it). */
export function runCli(args: readonly string[], env: FixtureEnv, options: CliOptions = {}): Promise<FixtureExit> {
  return runFixture({ script: CLI, mode: 'none', args, env, cwd: options.cwd, node: options.node });
}

/** Runs `otel-bootstrap doctor --json <args>`; resolves with its exit code, its parsed report and its output. */
export async function runDoctor(args: readonly string[], env: FixtureEnv, options?: CliOptions) {
  const exit = await runCli(['doctor', '--json', ...args], env, options);
  return { code: exit.code, report: JSON.parse(exit.stdout) as DoctorReport, stdout: exit.stdout };
}
