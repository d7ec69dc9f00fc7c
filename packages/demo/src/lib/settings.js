// Every setting of the demo, read once: the defaults are the ports and services of `npm run demo` on one machine;
// docker-compose.yml sets the container names instead.
const env = process.env;

/** A bad value gets one warning naming it, and the default. */
function positiveNumber(key, fallback) {
  if (env[key] === undefined || env[key] === '') return fallback;
  const value = Number(env[key]);
  if (Number.isFinite(value) && value > 0) return value;
  console.warn(`${key}="${env[key]}" is invalid: expected a positive number; using ${fallback}.`);
  return fallback;
}

const settings = {
  port: positiveNumber('PORT', 8080),
  databaseUrl: env.DATABASE_URL || 'postgres://postgres@localhost:5432/postgres',
  redisUrl: env.REDIS_URL || 'redis://localhost:6379',
  amqpUrl: env.AMQP_URL || 'amqp://guest:guest@localhost:5672',
  /** The topic exchange the order events go through; the worker queues are named after it. */
  exchange: env.AMQP_EXCHANGE || 'demo.orders',
  usersUrl: env.USERS_URL || 'http://localhost:8081',
  ordersUrl: env.ORDERS_URL || 'http://localhost:8082',
  notificationUrl: env.NOTIFICATION_URL || 'http://localhost:8084',
  gatewayUrl: env.GATEWAY_URL || 'http://localhost:8080',
  /** Load generator: requests per second. */
  loadRate: positiveNumber('LOAD_RATE', 2),
  /** Orders above this amount are rejected by the payment risk check. */
  riskLimit: positiveNumber('RISK_LIMIT', 5000),
};

module.exports = { settings };
