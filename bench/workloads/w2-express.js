// W2: W1's route through express: GET /item/:id does one Redis GET (SET on a miss) and one pg `SELECT $1::int`.
// Prints "listening <port>" when ready.
const express = require('express');
const { Pool } = require('pg');
const Redis = require('ioredis').default;

const pool = new Pool({ connectionString: process.env.PG_URL, max: 10 });
const redis = new Redis(process.env.REDIS_URL);
const app = express();

app.get('/item/:id', async (req, res) => {
  const id = Number(req.params.id) || 1;
  const key = `bench:item:${id}`;
  let cached = await redis.get(key);
  if (cached === null) {
    cached = JSON.stringify({ id });
    await redis.set(key, cached, 'EX', 300);
  }
  const { rows } = await pool.query('SELECT $1::int AS n', [id]);
  res.json({ item: JSON.parse(cached), n: rows[0].n });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  console.log(`listening ${server.address().port}`),
);
server.keepAliveTimeout = 65_000;
