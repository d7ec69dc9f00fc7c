// Users and sessions, on PostgreSQL and Redis (node-redis):
//   GET /users/:id   a PostgreSQL read; ?delay=ms makes it a slow query, ?fail=users a failing one
//   POST /sessions   the login: look the user up, check the password (a custom span), store a session in Redis
const crypto = require('node:crypto');
const { promisify } = require('node:util');
const fastify = require('fastify');
const { Pool } = require('pg');
const { createClient } = require('redis');
const { traced } = require('@org/otel-bootstrap/api');
const { settings } = require('./lib/settings');
const { untracedWithRetry } = require('./lib/untraced');
const { DEMO_PASSWORD, DEMO_USERS } = require('./lib/demo-users');

const ROUTES = ['GET /users/:id', 'POST /sessions', 'GET /health'];
const scrypt = promisify(crypto.scrypt);

async function hashPassword(password, salt = crypto.randomBytes(16)) {
  const key = await scrypt(password, salt, 32);
  return `${salt.toString('hex')}:${key.toString('hex')}`;
}

async function passwordMatches(password, stored) {
  const [salt, key] = stored.split(':');
  const candidate = await scrypt(String(password ?? ''), Buffer.from(salt, 'hex'), 32);
  return crypto.timingSafeEqual(candidate, Buffer.from(key, 'hex'));
}

async function prepare(pg) {
  await pg.query(
    'CREATE TABLE IF NOT EXISTS demo_users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, ' +
      'name text NOT NULL, password_hash text NOT NULL)',
  );
  for (const [email, name] of DEMO_USERS) {
    await pg.query(
      'INSERT INTO demo_users (email, name, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING',
      [email, name, await hashPassword(DEMO_PASSWORD)],
    );
  }
}

function createApp({ pg, redis }) {
  const app = fastify();
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/users/:id', async (req, reply) => {
    const id = Number(req.params.id);
    const delaySeconds = (Number(req.query.delay) || 0) / 1000;
    // ?fail=users: the query names a table that does not exist, so PostgreSQL itself fails it.
    const table = req.query.fail === 'users' ? 'demo_users_archive' : 'demo_users';
    const { rows } = await pg.query(`SELECT u.id, u.name FROM ${table} u, pg_sleep($2) WHERE u.id = $1`, [
      id,
      delaySeconds,
    ]);
    if (rows.length === 0) return reply.code(404).send({ error: `no user ${id}` });
    return rows[0];
  });

  app.post('/sessions', async (req, reply) => {
    const { email, password } = req.body ?? {};
    const table = req.query.fail === 'users' ? 'demo_users_archive' : 'demo_users';
    const { rows } = await pg.query(`SELECT id, password_hash FROM ${table} WHERE email = $1`, [String(email)]);
    const user = rows[0];
    const valid = await traced('password.verify', async (span) => {
      const matches = user !== undefined && (await passwordMatches(password, user.password_hash));
      span.setAttribute('auth.result', matches ? 'success' : 'invalid_credentials');
      return matches;
    });
    if (!valid) return reply.code(401).send({ error: 'wrong email or password' });
    const token = crypto.randomBytes(24).toString('base64url');
    await redis.set(`session:${token}`, String(user.id), { EX: 3600 });
    return { userId: user.id, token };
  });
  return app;
}

async function main() {
  const pg = new Pool({ connectionString: settings.databaseUrl });
  await untracedWithRetry('PostgreSQL', () => prepare(pg));
  const redis = createClient({ url: settings.redisUrl });
  redis.on('error', (error) => console.error(`Redis: ${error.message}`));
  await untracedWithRetry('Redis', () => redis.connect());
  await createApp({ pg, redis }).listen({ port: settings.port, host: '0.0.0.0' });
  console.log(`users listening on ${settings.port}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { ROUTES, createApp };
