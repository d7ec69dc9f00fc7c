import { constants } from 'node:os';

type FlushSignal = 'SIGTERM' | 'SIGINT';
const SIGNALS: readonly FlushSignal[] = ['SIGTERM', 'SIGINT'];

/** What ending the process needs from the pipeline. */
export interface ExitFlush {
  /** Sends what is queued and waits for what is in flight. */
  flush(): Promise<unknown>;
  /** Gives up at once on exports still waiting on the collector: their retries, requests and connects. */
  abandon(): void;
}

/**
 * Flushes pending spans when the process is about to end, without changing how it ends.
 *
 * Listening for a signal replaces Node's default "exit at once". So on SIGTERM/SIGINT we flush (bounded by the
 * timeout) and then, if the app has no handler of its own for that signal, exit with the conventional 128+signal
 * code, as Node would have. If the app has a handler, exiting is the app's business. The official zero-code register
 * shuts the SDK down on SIGTERM but never exits, leaving a service with an open server running; we must not.
 */
export function installShutdownHooks(exit: ExitFlush, timeoutMs: number): () => void {
  const handlers = SIGNALS.map((signal) => {
    const onSignal = () => {
      const appHandlesSignal = process.listenerCount(signal) > 1;
      process.removeListener(signal, onSignal);
      void flushWithin(exit, timeoutMs).finally(() => {
        if (!appHandlesSignal && process.listenerCount(signal) === 0) {
          process.exit(128 + constants.signals[signal]);
        }
      });
    };
    process.on(signal, onSignal);
    return { signal, onSignal };
  });
  // Our exports never keep the process alive (export/), so `beforeExit` comes as soon as the app's own work is done.
  // The flush's timer then keeps it alive for at most the timeout. Once only: a flush on every `beforeExit` would
  // wake the loop again each time, for ever.
  const onBeforeExit = () => void flushWithin(exit, timeoutMs);
  process.once('beforeExit', onBeforeExit);
  return () => {
    for (const { signal, onSignal } of handlers) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  };
}

/**
 * Flushes for up to `timeoutMs`, then abandons what is still pending, so that nothing of ours outlives the bound.
 * Never rejects, never throws.
 */
export async function flushWithin(exit: ExitFlush, timeoutMs: number): Promise<void> {
  await withTimeout(
    Promise.resolve().then(() => exit.flush()),
    timeoutMs,
  );
  try {
    exit.abandon();
  } catch {
    // Giving up is best effort; it must never throw into the app's exit.
  }
}

/**
 * Settles when the work settles or the timeout passes, whichever is first; never rejects. The timer is cleared as
 * soon as the work settles, so a quick flush never holds the process for the whole timeout. It is ref'd on purpose:
 * at `beforeExit` it is what keeps the process alive while the flush runs.
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
