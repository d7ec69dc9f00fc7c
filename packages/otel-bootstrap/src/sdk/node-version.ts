/** The oldest Node.js that OpenTelemetry JS SDK 3 runs on (its `engines`). */
export const MINIMUM_NODE = '22.15.0';

/**
 * Why tracing cannot start on this Node.js, or undefined when it can.
 *
 * Checked before anything of the SDK loads: on Node 20 the first failure was a bare
 * `TypeError: (0 , node_module_1.enableCompileCache) is not a function`, which says nothing of the cause (issue 18).
 */
export function unsupportedNode(version: string = process.versions.node): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `Node.js ${MINIMUM_NODE} or later is needed and this is ${version}: upgrade to Node 24 LTS`;
}
