import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useReceiver } from '@org/otel-testing';
import { runDoctor } from '../helpers/doctor';
import { oldNode } from '../helpers/old-node';

// doctor checks what the app would get, in the app's folder: the Node it runs on, whether each instrumentation
// patches the libraries the app has installed, and the sampling after the rules file.

describe('otel-bootstrap doctor, in the app’s situation', () => {
  const receiver = useReceiver();
  let app: string;

  const doctor = (env: Record<string, string>, node?: string) =>
    runDoctor(['--skip-jaeger'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env }, { cwd: app, node });

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'otb-doctor-app-'));
    // an app with express 3, which the express instrumentation does not support (>=4 <6)
    mkdirSync(join(app, 'node_modules', 'express'), { recursive: true });
    writeFileSync(join(app, 'node_modules', 'express', 'package.json'), '{"name":"express","version":"3.21.2"}');
    writeFileSync(join(app, 'node_modules', 'express', 'index.js'), 'module.exports = function express() {};');
    writeFileSync(join(app, 'package.json'), '{"name":"doctor-app","private":true}');
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('reports an instrumentation that patched nothing in a library the app has: exit 8', async () => {
    const { code, report } = await doctor({});
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
      ['node', true],
      ['instrumentation', false],
    ]);
    expect(report.steps[1].detail).toBe(
      'patched nothing: express: express 3.21.2 is outside the versions @opentelemetry/instrumentation-express ' +
        'supports (>=4.0.0 <6)',
    );
    expect(code).toBe(8);
  });

  it('reports what it patched, and the libraries the app does not use', async () => {
    const { code, report } = await doctor({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pg' });
    expect(report.steps[1]).toEqual({
      name: 'instrumentation',
      ok: true,
      detail: 'patched: http (http); not used by this app: pg',
    });
    expect(code).toBe(0);
  });

  it('reports the Node.js version', async () => {
    const { report } = await doctor({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' });
    expect(report.steps[0]).toEqual({ name: 'node', ok: true, detail: `Node.js ${process.versions.node}` });
  });

  const node20 = oldNode();
  (node20 ? it : it.skip)('on Node 20, says apps run without tracing: exit 7', async () => {
    const { code, report } = await doctor({}, node20);
    expect(report.steps).toEqual([
      {
        name: 'node',
        ok: false,
        detail: expect.stringMatching(/^Node\.js 22\.15\.0 or later is needed and this is 20\./),
        hint: 'apps on this Node run without tracing: upgrade to Node 24 LTS',
      },
    ]);
    expect(code).toBe(7);
  });

  it('prints the sampling the rules file makes, over the environment', async () => {
    const rules = join(app, 'rules.json');
    writeFileSync(rules, '{ "rules": [], "defaultRatio": 0.25, "keepErrors": false }');
    const { code, report } = await doctor({
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.5',
      OTEL_BOOTSTRAP_KEEP_ERRORS: 'true',
      OTEL_BOOTSTRAP_SAMPLING_RULES_FILE: rules,
    });
    expect(report.configuration).toMatchObject({
      sampler: 'parentbased_traceidratio, ratio 0.25 (rules file)',
      'sampling rules': `${rules} (0 rules)`,
      'keep errors': 'no (rules file)',
      'keep slower than': 'off',
    });
    expect(code).toBe(0);
  });

  it('reports an invalid rules file, which is ignored whole: exit 2', async () => {
    // it would turn error keeping off, but its unknown setting makes the whole file invalid
    const rules = join(app, 'bad-rules.json');
    writeFileSync(rules, '{\n  "keepErrors": false,\n  "defaultRate": 0.1\n}');
    const { code, report } = await doctor({
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http',
      OTEL_BOOTSTRAP_SAMPLING_RULES_FILE: rules,
    });
    expect(report.configuration['keep errors']).toBe('yes');
    expect(report.configuration['sampling rules']).toMatch(/: INVALID, ignored \(.*unknown setting "defaultRate"/);
    expect(report.warnings).toEqual([
      expect.stringMatching(/^OTEL_BOOTSTRAP_SAMPLING_RULES_FILE is invalid: .*bad-rules\.json:3: unknown setting/),
    ]);
    expect(code).toBe(2);
  });
});
