/**
 * `node --require @org/otel-bootstrap app.js`: starts tracing before the app loads.
 *
 * Worker threads inherit --require; they share the process's spans through the main thread's SDK only if the app
 * wires that up, so a worker starts nothing of its own.
 */
import { enableCompileCache } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { isSdkDisabled, wantsCompileCache } from './config';

if (isMainThread && !isSdkDisabled()) {
  try {
    // Requiring the SDK costs ~370 ms cold; the compile cache cuts later starts (figures in docs/benchmarks.md).
    if (wantsCompileCache()) enableCompileCache();
    (require('./start') as typeof import('./start')).start();
  } catch (error) {
    process.stderr.write(
      `[otel-bootstrap] error: tracing could not start, the app runs without it: ${String(error)}\n`,
    );
  }
}
