// The payment step of an order: consumes order.created, charges (the payment.charge span), and publishes
// order.confirmed, or order.rejected when the risk check says no. The risk check rejects orders above RISK_LIMIT
// and every order sent with ?fail=payment: the seeds' "order rejected by risk" scenario. Each charge's amount goes
// to the demo.payment.amount histogram, by outcome.
const { trace } = require('@opentelemetry/api');
const { traced } = require('@org/otel-bootstrap/api');
const { settings } = require('./lib/settings');
const { EVENTS, QUEUES, openChannel, publish } = require('./lib/broker');
const { serveHealth } = require('./lib/health');
const { untraced } = require('./lib/untraced');
const { businessMetrics } = require('./lib/business-metrics');

const ROUTES = ['GET /health'];

class RiskRejection extends Error {}

/** A stand-in risk model: large orders score high; the knob forces a rejection. */
function riskScore(order) {
  if (order.fail === 'payment') return 0.99;
  return Math.min(0.99, Number(order.amount) / (settings.riskLimit * 1.25));
}

function charge(order) {
  return traced('payment.charge', async (span) => {
    const score = riskScore(order);
    span.setAttributes({ 'order.id': order.id, 'order.amount': order.amount, 'payment.risk_score': score });
    if (score >= 0.8) throw new RiskRejection(`order ${order.id} rejected by risk: score ${score.toFixed(2)}`);
    // The card network's answer takes a moment.
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
    span.addEvent('payment_authorized', { 'order.id': order.id });
  });
}

async function handle(channel, message) {
  const order = JSON.parse(message.content.toString());
  let outcome = EVENTS.confirmed;
  try {
    await charge(order);
  } catch (error) {
    outcome = EVENTS.rejected;
    order.reason = error.message;
  }
  businessMetrics.paymentCharged(order.amount, outcome === EVENTS.confirmed ? 'confirmed' : 'rejected');
  publish(channel, outcome, order);
  trace.getActiveSpan()?.addEvent('event_published', { 'event.name': outcome, 'order.id': order.id });
  channel.ack(message);
}

async function main() {
  const { channel } = await openChannel();
  await untraced(() =>
    channel.consume(QUEUES.payment.name, (message) => {
      // null: the broker cancelled the consumer (the queue was deleted); there is nothing to settle.
      if (!message) return undefined;
      return handle(channel, message).catch((error) => {
        console.error(`payment not handled: ${error.message}`);
        channel.nack(message, false, false);
      });
    }),
  );
  await serveHealth(settings.port);
  console.log(`payment-worker consuming ${QUEUES.payment.name}, health on ${settings.port}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { ROUTES, riskScore };
