import { constants } from 'node:os';

type FlushSignal = 'SIGTERM' | 'SIGINT';
const SIGNALS: readonly FlushSignal[] = ['SIGTERM', 'SIGINT'];

/**
 * Flushes pending spans when the process is about to end, without changing how it ends.
 *
 * Listening for a signal replaces Node's default "exit at once". So on SIGTERM/SIGINT we flush (bounded by the
 * timeout) and then, if the app has no handler of its own for that signal, exit with the conventional 128+signal
 * code, as Node would have. If the app has a handler, exiting is the app's business. The official zero-code register
 * shuts the SDK down on SIGTERM but never exits, leaving a service with an open server running; we must not.
 */
export function installShutdownHooks(flush: () => Promise<void>, timeoutMs: number): () => void {
  const handlers = SIGNALS.map((signal) => {
    const onSignal = () => {
      const appHandlesSignal = process.listenerCount(signal) > 1;
      process.removeListener(signal, onSignal);
      void withTimeout(flush(), timeoutMs).finally(() => {
        if (!appHandlesSignal && process.listenerCount(signal) === 0) {
          process.exit(128 + constants.signals[signal]);
        }
      });
    };
    process.on(signal, onSignal);
    return { signal, onSignal };
  });
  const onBeforeExit = () => void withTimeout(flush(), timeoutMs);
  process.once('beforeExit', onBeforeExit);
  return () => {
    for (const { signal, onSignal } of handlers) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  };
}

/**
 * Settles when the work settles or the timeout passes, whichever is first; never rejects. The timer is cleared as
 * soon as the work settles, so a quick flush never holds the process for the whole timeout.
 */
export function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}
