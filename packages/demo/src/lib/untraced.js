// Set-up work (tables, connections, queue declarations) runs with tracing suppressed, so the traces in Jaeger are
// the flows, not each service's start-up chatter.
const api = require('@opentelemetry/api');
const { suppressTracing } = require('@opentelemetry/core');

function untraced(fn) {
  return api.context.with(suppressTracing(api.context.active()), fn);
}

/** Retries start-up work until the backing service accepts it: compose may start us first. */
async function untracedWithRetry(what, fn, attempts = 30) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await untraced(fn);
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.error(`${what} is not ready (${error.message}); retrying in 1 s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

module.exports = { untraced, untracedWithRetry };
