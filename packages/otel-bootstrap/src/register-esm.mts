/**
 * `node --import @org/otel-bootstrap app.mjs`: one flag for ESM apps. It registers the ESM loader hook that lets
 * instrumentations patch `import`ed modules, then starts tracing exactly as the --require entry does.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const { isSdkDisabled, wantsCompileCache } = require('./config/read-env.js') as typeof import('./config/read-env.js');
const { unsupportedNode } = require('./sdk/node-version.js') as typeof import('./sdk/node-version.js');
const { reportStartFailure } = require('./sdk/start-failure.js') as typeof import('./sdk/start-failure.js');

if (isMainThread && !isSdkDisabled()) {
  const unsupported = unsupportedNode();
  if (unsupported) reportStartFailure(unsupported);
  else {
    try {
      if (wantsCompileCache()) (await import('node:module')).enableCompileCache();
      await registerLoaderHook();
      (require('./start.js') as typeof import('./start.js')).start();
    } catch (error) {
      reportStartFailure(error);
    }
  }
}

/**
 * Node ≥ 24.11.1 (and ≥ 22.22.3) runs import-in-the-middle as a synchronous in-thread hook; older versions get the
 * asynchronous loader thread.
 */
async function registerLoaderHook(): Promise<void> {
  const hooks = await import('import-in-the-middle/register-hooks.mjs');
  if (hooks.supportsSyncHooks()) {
    hooks.register();
    return;
  }
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
}
