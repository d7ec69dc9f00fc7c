import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGE_DIR = join(__dirname, '..', '..');
const REPO_ROOT = join(PACKAGE_DIR, '..', '..');

describe('the otel-bootstrap command', () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };

  it('points at a file in git, so npm can link it before the build has made dist/', () => {
    const target = manifest.bin['otel-bootstrap'];
    expect(target).not.toMatch(/dist\//);
    const tracked = spawnSync('git', ['ls-files', '--error-unmatch', target], { cwd: PACKAGE_DIR });
    expect(tracked.status).toBe(0);
  });

  it('is linked in the repo after npm ci, so `npx otel-bootstrap doctor` works in a fresh clone', () => {
    const linked = join(REPO_ROOT, 'node_modules', '.bin', 'otel-bootstrap');
    expect(existsSync(linked)).toBe(true);
    const help = spawnSync(linked, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: otel-bootstrap doctor/);
  });
});
