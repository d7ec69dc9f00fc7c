// A bare health endpoint for processes that serve nothing else (the worker, the load generator), so compose can
// health-check every service the same way: GET /health on PORT.
const http = require('node:http');

function serveHealth(port, status = () => ({ status: 'ok' })) {
  const server = http.createServer((req, res) => {
    const found = req.method === 'GET' && req.url === '/health';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(found ? status() : { error: 'not found' }));
  });
  return new Promise((resolve) => server.listen(port, () => resolve(server)));
}

module.exports = { serveHealth };
