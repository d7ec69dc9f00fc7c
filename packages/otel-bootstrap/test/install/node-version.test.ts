import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unsupportedNode } from '../../src/sdk/node-version';
import { oldNode } from '../helpers/old-node';

const PACKAGE_DIR = join(__dirname, '..', '..');
const REPO_ROOT = join(PACKAGE_DIR, '..', '..');

describe('unsupportedNode', () => {
  it.each([['20.20.2'], ['22.14.0'], ['18.0.0']])('refuses %s with the version it needs', (version) => {
    expect(unsupportedNode(version)).toBe(
      `Node.js 22.15.0 or later is needed and this is ${version}: upgrade to Node 24 LTS`,
    );
  });
  it.each([['22.15.0'], ['22.22.3'], ['24.11.1'], ['25.0.0']])('accepts %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });
});

const node20 = oldNode();
(node20 ? describe : describe.skip)('on Node 20', () => {
  it.each([
    ['--require', join(PACKAGE_DIR, 'dist', 'register.js')],
    ['--import', join(PACKAGE_DIR, 'dist', 'register-esm.mjs')],
  ])('node %s: the app runs untraced, with one line saying which Node is needed', (flag, entry) => {
    const run = spawnSync(node20 as string, [flag, entry, '-e', 'console.log("app ran")'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('app ran\n');
    expect(run.stderr).toMatch(
      /^\[otel-bootstrap\] error: tracing could not start, the app runs without it: Node\.js 22\.15\.0 or later is needed and this is 20\.\d+\.\d+: upgrade to Node 24 LTS\n$/,
    );
  });

  it('npm test stops at once with one line that says how to get Node 24', () => {
    const run = spawnSync(node20 as string, [join(REPO_ROOT, 'scripts', 'check-node.js')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('source scripts/use-node24.sh');
  });

  it('npm ci stops at once with the engine it needs, instead of hundreds of EBADENGINE warnings', () => {
    // a scratch copy of the repo's install files: npm ci there would otherwise replace this repo's node_modules
    const scratch = mkdtempSync(join(tmpdir(), 'otb-npm-ci-node20-'));
    try {
      for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
        copyFileSync(join(REPO_ROOT, file), join(scratch, file));
      }
      const npm = join(node20 as string, '..', 'npm');
      const run = spawnSync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: scratch,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${join(node20 as string, '..')}:${process.env.PATH}` },
        timeout: 60_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('Required: {"node":">=22.15.0"}');
      expect(run.stderr.split('\n').filter((line) => line.includes('EBADENGINE')).length).toBeLessThanOrEqual(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
