import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildTrees,
  descendants,
  describeWithServices,
  serviceUrl,
  useReceiver,
  withReceiver,
} from '@org/otel-testing';
import type { SpanNode } from '@org/otel-testing';
import type { DoctorReport } from '../helpers/doctor';
import { fixture } from '../helpers/http';

// What users get: the packed tarball, installed with npm into an app outside the repo, where our root `overrides`
// and symlinked workspaces do not reach, with the libraries at the versions npm picks today.
const execFileAsync = promisify(execFile);
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const LIBRARIES = ['express', 'fastify', 'ioredis', 'pg', 'amqplib'];

/** Runs a command to its end; throws with its output if it fails. */
function run(command: string, args: string[], cwd: string): { stdout: string; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 240_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${output}`);
  return { stdout: result.stdout, output };
}

describeWithServices(['postgres', 'redis', 'rabbitmq'])('the packed tarball, installed in an app of its own', () => {
  let app: string;
  let packed: { filename: string; files: { path: string }[] };
  let installOutput: string;

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'otb-installed-app-'));
    // the README's install commands: `npm pack -w @org/otel-bootstrap`, then `npm install <tarball>` in the app
    const pack = run('npm', ['pack', '-w', '@org/otel-bootstrap', '--json', '--pack-destination', app], REPO_ROOT);
    [packed] = JSON.parse(pack.stdout) as [typeof packed];
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'installed-app', private: true }));
    installOutput = run(
      'npm',
      ['install', '--no-audit', '--no-fund', `./${packed.filename}`, ...LIBRARIES],
      app,
    ).output;
    for (const file of readdirSync(fixture('installed-app')))
      copyFileSync(fixture(`installed-app/${file}`), join(app, file));
  }, 300_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('ships its README and LICENSE beside dist/', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/register.js']));
  });

  it('installs without peer-dependency or engine warnings', () => {
    const warnings = installOutput.split('\n').filter((line) => /ERESOLVE|EBADENGINE|peer dep/i.test(line));
    expect(warnings).toEqual([]);
  });

  it('npx otel-bootstrap doctor, in the app, finds every library the app has patched', async () => {
    // asynchronous: the receiver answering doctor's export lives in this process
    const doctor = await withReceiver((receiver) =>
      execFileAsync('npx', ['--no', 'otel-bootstrap', 'doctor', '--json', '--skip-jaeger'], {
        cwd: app,
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, NODE_OPTIONS: '' },
      }).catch((error: { stdout: string; code: number }) => error),
    );
    const report = JSON.parse(doctor.stdout) as DoctorReport;
    const instrumentation = report.steps.find((step) => step.name === 'instrumentation');
    expect(instrumentation?.ok).toBe(true);
    for (const library of ['http', 'express', 'pg', 'ioredis', 'amqplib']) {
      expect(instrumentation?.detail).toMatch(new RegExp(`patched: .*\\b${library} \\(`));
    }
    expect('code' in doctor ? doctor.code : 0).toBe(0);
  });

  describe.each([
    ['--require', 'app.js'],
    ['--import', 'app.mjs'],
  ])('node %s @org/otel-bootstrap %s', (_flag, script) => {
    const receiver = useReceiver();
    let roots: SpanNode[] = [];

    beforeAll(async () => {
      const exit = await receiver.runFixture(join(app, script), {
        OTEL_SERVICE_NAME: 'installed-app',
        PG_URL: serviceUrl('postgres'),
        REDIS_URL: serviceUrl('redis'),
        AMQP_URL: serviceUrl('rabbitmq'),
      });
      expect(exit).toMatchObject({ code: 0, stderr: '' });
      roots = buildTrees(receiver.spans);
    }, 60_000);

    /** The SERVER span of a route, with everything below it (the app's own fetch is the root above it). */
    const server = (route: string): SpanNode | undefined => {
      const all = (nodes: SpanNode[]): SpanNode[] => nodes.flatMap((node) => [node, ...all(node.children)]);
      return all(roots).find((n) => n.span.kind === 'SERVER' && n.span.attributes['http.route'] === route);
    };

    it('traces the express request with its Redis, pg and RabbitMQ work in one trace', () => {
      // installed-app: GET [CLIENT]             the app's own fetch
      // └── GET /orders/:id [SERVER]
      //     └── request handler [INTERNAL]     express
      //         ├── get [CLIENT]               ioredis
      //         ├── pg-pool.connect [CLIENT]   pg
      //         ├── pg.query:SELECT [CLIENT]
      //         └── publish <default> [PRODUCER]   amqplib
      //             └── … process [CONSUMER]
      const order = server('/orders/:id');
      expect(order?.span.name).toBe('GET /orders/:id');
      const below = descendants(order as SpanNode);
      const scopes = new Set(below.map((s) => s.scope.name));
      expect([...scopes]).toEqual(expect.arrayContaining(['@opentelemetry/instrumentation-express']));
      expect(below.filter((s) => s.kind === 'CLIENT').map((s) => s.attributes['db.system.name'])).toEqual(
        expect.arrayContaining(['redis', 'postgresql']),
      );
      expect(below.map((s) => s.kind)).toEqual(expect.arrayContaining(['PRODUCER', 'CONSUMER']));
    });

    it('traces the fastify request with its route', () => {
      expect(server('/items/:id')?.span.name).toBe('GET /items/:id');
    });
  });
});
