import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { unsupportedNode } from '../../src/sdk/node-version';

/**
 * A Node older than 22.15 to run things with: OTB_TEST_OLD_NODE, else the machine's own /usr/bin/node (Node 20 on
 * the project machines). Undefined, with a message, when there is none; under CI=true that is an error, so CI cannot
 * pass by skipping.
 */
export function oldNode(): string | undefined {
  const candidate = process.env.OTB_TEST_OLD_NODE || '/usr/bin/node';
  const version = existsSync(candidate) ? spawnSync(candidate, ['-p', 'process.versions.node']).stdout : undefined;
  if (version && unsupportedNode(String(version).trim())) return candidate;
  const message = `no Node older than 22.15 at ${candidate}; set OTB_TEST_OLD_NODE to one`;
  if (process.env.CI === 'true') throw new Error(message);
  process.stderr.write(`skipping tests: ${message}\n`);
  return undefined;
}
