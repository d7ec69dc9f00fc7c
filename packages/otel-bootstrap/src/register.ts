/**
 * `node --require @org/otel-bootstrap app.js`: starts tracing before the app loads.
 *
 * Worker threads inherit --require; they share the process's spans through the main thread's SDK only if the app
 * wires that up, so a worker starts nothing of its own.
 */
import { enableCompileCache } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { isSdkDisabled, wantsCompileCache } from './config/read-env';
import { unsupportedNode } from './sdk/node-version';
import { reportStartFailure } from './sdk/start-failure';

if (isMainThread && !isSdkDisabled()) {
  const unsupported = unsupportedNode();
  if (unsupported) reportStartFailure(unsupported);
  else {
    try {
      // Requiring the SDK is most of startup; the compile cache cuts later starts
      // (bench/findings.md, "Startup without sdk-node").
      if (wantsCompileCache()) enableCompileCache();
      (require('./start') as typeof import('./start')).start();
    } catch (error) {
      reportStartFailure(error);
    }
  }
}
