// Calls between services. fetch is instrumented, so each call is a CLIENT span and carries the trace context.

class UpstreamError extends Error {
  constructor(service, status, body) {
    super(`${service} answered ${status}${body?.error ? `: ${body.error}` : ''}`);
    this.service = service;
    this.status = status;
  }
}

async function callJson(service, url, { method = 'GET', body } = {}) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json().catch(() => undefined);
  if (!response.ok) throw new UpstreamError(service, response.status, payload);
  return payload;
}

/** The demo's knobs, passed on to the next service: `?delay=ms` and `?fail=<service>`. */
function knobsQuery({ delay, fail }) {
  const query = new URLSearchParams();
  if (delay) query.set('delay', String(delay));
  if (fail) query.set('fail', fail);
  const text = query.toString();
  return text ? `?${text}` : '';
}

module.exports = { callJson, knobsQuery, UpstreamError };
