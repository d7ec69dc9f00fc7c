// W1: a node:http GET doing one Redis GET (SET on a miss) and one pg `SELECT $1::int`, answered as JSON.
// Prints "listening <port>" when ready.
const http = require('node:http');
const { item } = require('./item');

const server = http.createServer((req, res) => {
  item(Number(req.url.split('/').pop()) || 1).then(
    (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    (error) => res.writeHead(500).end(String(error)),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
