// W1: a node:http GET doing one Redis GET (SET on a miss) and one pg `SELECT $1::int`, answered as JSON.
// Prints "listening <port>" when ready.
const http = require('node:http');
const { Pool } = require('pg');
const Redis = require('ioredis').default;

const pool = new Pool({ connectionString: process.env.PG_URL, max: 10 });
const redis = new Redis(process.env.REDIS_URL);

async function item(id) {
  const key = `bench:item:${id}`;
  let cached = await redis.get(key);
  if (cached === null) {
    cached = JSON.stringify({ id });
    await redis.set(key, cached, 'EX', 300);
  }
  const { rows } = await pool.query('SELECT $1::int AS n', [id]);
  return { item: JSON.parse(cached), n: rows[0].n };
}

const server = http.createServer((req, res) => {
  item(Number(req.url.split('/').pop()) || 1).then(
    (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    (error) => res.writeHead(500).end(String(error)),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
