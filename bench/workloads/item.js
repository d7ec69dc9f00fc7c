// The work W1 and W2 do per request: one Redis GET (SET on a miss) and one pg `SELECT $1::int`.
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

module.exports = { item };
