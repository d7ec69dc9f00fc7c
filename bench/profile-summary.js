// Summarises a .cpuprofile (from `node --cpu-prof`): self time by package and the hottest functions, so a change's
// effect can be seen where it lands. Usage: node profile-summary.js FILE.cpuprofile [top N] [--requests N]
// With --requests (the requests the process served while profiled), it also prints busy CPU µs per request by
// component: what remains of a goal, counted from a profile.
const { readFileSync } = require('node:fs');

const argv = process.argv.slice(2);
const requestsAt = argv.indexOf('--requests');
const requests = requestsAt >= 0 ? Number(argv.splice(requestsAt, 2)[1]) : undefined;
const [file, topArg] = argv;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

function packageOf(url) {
  if (!url) return '(native/idle)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (url.includes('/otel-bootstrap/dist/')) return '@org/otel-bootstrap';
  return url.split('/').slice(-2).join('/');
}

const packages = new Map();
const functions = new Map();
for (const [id, micros] of selfMicros) {
  const { callFrame } = byId.get(id);
  const pkg = callFrame.url ? packageOf(callFrame.url) : callFrame.functionName || '(program)';
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  const fn = `${callFrame.functionName || '(anonymous)'} ${pkg}:${callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + micros);
}
// Inclusive time: a sample counts for every package on its stack (once per package), so the cost of a library
// includes the work it triggers in others.
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const inclusive = new Map();
for (const [id, micros] of selfMicros) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const { callFrame } = byId.get(at);
    if (callFrame.url) seen.add(packageOf(callFrame.url));
  }
  for (const pkg of seen) inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + micros);
}

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print('self time by package', packages);
print('inclusive time by package', inclusive);
print('hottest functions', functions);

/** The component a frame belongs to, for the per-request table. */
function componentOf({ url, functionName }) {
  if (!url) {
    if (['writev', 'writeUtf8String', 'writeBuffer', 'writeLatin1String'].includes(functionName)) {
      return 'socket writes (the syscall, under Node)';
    }
    if (functionName === '(garbage collector)') return 'garbage collector';
    return 'other native and V8 frames';
  }
  const pkg = packageOf(url);
  if (pkg === '@org/otel-bootstrap') return 'ours (@org/otel-bootstrap)';
  if (pkg.startsWith('@opentelemetry/')) return 'OpenTelemetry SDK, API and instrumentations';
  if (pkg.startsWith('node:')) return 'Node internals (streams, http, AsyncLocalStorage frames, timers)';
  return 'the app and its libraries (pg, ioredis, ...)';
}

if (requests) {
  const components = new Map();
  for (const [id, micros] of selfMicros) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') continue;
    const component = componentOf(callFrame);
    components.set(component, (components.get(component) ?? 0) + micros);
  }
  const busy = [...components.values()].reduce((a, b) => a + b, 0);
  console.log(`\nbusy CPU per request (${requests} requests): ${(busy / requests).toFixed(1)} µs`);
  for (const [name, micros] of [...components].sort((a, b) => b[1] - a[1])) {
    console.log(`${(micros / requests).toFixed(1).padStart(7)} µs  ${name}`);
  }
}
