// A local OTLP/HTTP sink for benchmarks: answers every export at once and counts spans. It decodes protobuf with the
// official schema (the test receiver's, from @org/otel-testing: `npm run bench` builds it) but flattens nothing, to
// stay cheap; JSON is counted by a parse. GET /count answers the counts since the last GET /reset. Prints
// "listening <port>" when ready.
const http = require('node:http');
const { ExportTraceServiceRequest: Request } = require('@org/otel-testing');

let spans = 0;
let requests = 0;

function countSpans(request) {
  let n = 0;
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) n += (scopeSpans.spans ?? []).length;
  }
  return n;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    if (req.url === '/reset') spans = requests = 0;
    res.end(JSON.stringify({ spans, requests }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/v1/traces') {
      requests++;
      const body = Buffer.concat(chunks);
      try {
        const json = String(req.headers['content-type']).startsWith('application/json');
        spans += countSpans(json ? JSON.parse(body.toString('utf8')) : Request.decode(body));
      } catch {
        // an undecodable body is not counted
      }
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
