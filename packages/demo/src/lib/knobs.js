// The gateway's debugging knobs, checked once at the edge: `?delay=ms` makes the users lookup slow (a real slow
// query), and `?fail=<service>` makes that service fail the way it would in production.
const FAILING_SERVICES = ['users', 'orders', 'payment', 'notification'];
const MAX_DELAY_MS = 10_000;

/** The knobs of a request, or an error message for the caller. */
function readKnobs(query) {
  const delay = query.delay === undefined ? 0 : Number(query.delay);
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_MS) {
    return { error: `delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}` };
  }
  const fail = query.fail;
  if (fail !== undefined && !FAILING_SERVICES.includes(fail)) {
    return { error: `fail must be one of ${FAILING_SERVICES.join(', ')}` };
  }
  return { delay, fail };
}

module.exports = { FAILING_SERVICES, readKnobs };
