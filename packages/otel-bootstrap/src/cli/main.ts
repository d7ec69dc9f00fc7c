#!/usr/bin/env node
/**
 * `npx otel-bootstrap doctor [--json] [--wait MS] [--skip-jaeger]`: explains why no traces, metrics or logs appear.
 */
import { EXIT, runDoctor } from './doctor';
import type { DoctorReport } from './doctor';

const USAGE = `usage: otel-bootstrap doctor [--json] [--wait MS] [--skip-jaeger]

Run it in the app's folder. Prints the configuration as the bootstrap resolves it (secrets masked, sampling after
the rules file), checks the Node.js version, starts the bootstrap as the app would and loads the app's libraries to
see that each instrumentation patches them, checks that the OTLP endpoint of each signal (traces, metrics, logs)
answers, sends one test span and looks it up in Jaeger (OTEL_BOOTSTRAP_JAEGER_URL).

Exit codes: 0 all good; 2 all good but a variable or the rules file is invalid; 3 the traces endpoint does not
answer or refuses; 4 the test span was refused; 5 Jaeger's query API does not answer; 6 Jaeger does not have the
test span; 7 this Node.js is too old; 8 an instrumentation patched nothing; 9 all else good but the metrics or logs
endpoint does not answer; 1 error.`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'doctor' || argv.includes('--help')) {
    console.log(USAGE);
    return argv.includes('--help') ? EXIT.ok : EXIT.error;
  }
  const waitIndex = argv.indexOf('--wait');
  const waitMs = waitIndex >= 0 ? Number(argv[waitIndex + 1]) : 5000;
  const report = await runDoctor({
    env: process.env,
    waitMs: Number.isFinite(waitMs) && waitMs >= 0 ? waitMs : 5000,
    skipJaeger: argv.includes('--skip-jaeger'),
    cwd: process.cwd(),
  });
  console.log(argv.includes('--json') ? JSON.stringify(report, null, 2) : render(report));
  return report.exitCode;
}

function render(report: DoctorReport): string {
  const width = Math.max(...Object.keys(report.configuration).map((k) => k.length));
  const lines = ['otel-bootstrap doctor', '', 'Configuration'];
  for (const [key, value] of Object.entries(report.configuration)) lines.push(`  ${key.padEnd(width)}  ${value}`);
  for (const warning of report.warnings) lines.push(`  ! ${warning}`);
  lines.push('', 'Signals');
  for (const { signal, exporter, check } of report.signals ?? []) {
    const answer = check ? ` ${check.ok ? '✔' : '✘'} ${check.ok ? 'answers' : check.detail}` : '';
    lines.push(`  ${signal.padEnd(8)} ${exporter}${answer}`);
    if (check?.hint) lines.push(`    → ${check.hint}`);
  }
  lines.push('');
  for (const step of report.steps) {
    lines.push(`${step.ok ? '✔' : '✘'} ${step.name.padEnd(15)} ${step.detail}`);
    if (step.hint) lines.push(`    → ${step.hint}`);
  }
  if (report.traceUrl) lines.push('', `Open the test trace: ${report.traceUrl}`);
  lines.push('', `exit code ${report.exitCode}`);
  return lines.join('\n');
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`otel-bootstrap doctor failed: ${String(error)}`);
    process.exitCode = EXIT.error;
  },
);
