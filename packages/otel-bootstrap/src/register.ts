/**
 * `node --require @org/otel-bootstrap app.js`: starts tracing before the app loads.
 *
 * Worker threads inherit --require; they share the process's spans through the main thread's SDK only if the app
 * wires that up, so a worker starts nothing of its own.
 */
import { isMainThread } from 'node:worker_threads';
import { isSdkDisabled } from './config';

if (isMainThread && !isSdkDisabled()) {
  try {
    (require('./start') as typeof import('./start')).start();
  } catch (error) {
    process.stderr.write(
      `[otel-bootstrap] error: tracing could not start, the app runs without it: ${String(error)}\n`,
    );
  }
}
