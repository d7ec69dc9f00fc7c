// The demo's business metrics, through the plain OpenTelemetry metrics API, as an app would record its own: the
// bootstrap installs the MeterProvider and exports them with its HTTP, database and runtime metrics. Without the
// bootstrap the API hands out no-op instruments, so the services run the same either way.
//
// The API keeps no proxy for metrics (unlike traces): a meter taken before the provider is installed stays a no-op.
// So the instruments are made at first use, and again if the global provider changes.
const { metrics } = require('@opentelemetry/api');

/**
 * Every instrument: its OpenTelemetry name, kind, unit and the attributes its points carry. grafana/dashboards/otel-bootstrap-demo.json queries
 * them under their Prometheus names (`demo_orders_placed_total`, `demo_payment_amount_bucket`), which
 * test/deploy derives from this table.
 */
const BUSINESS_METRICS = {
  ordersPlaced: {
    name: 'demo.orders.placed',
    kind: 'counter',
    unit: '{order}',
    description: 'Orders accepted by POST /orders and stored.',
    attributes: [],
  },
  ordersFailed: {
    name: 'demo.orders.failed',
    kind: 'counter',
    unit: '{order}',
    description: 'Orders that failed, by error.type: not stored, or rejected by the payment risk check.',
    attributes: ['error.type'],
  },
  paymentAmount: {
    name: 'demo.payment.amount',
    kind: 'histogram',
    // An annotation, not a unit: the demo's amounts have no currency, and Prometheus names leave it out.
    unit: '{amount}',
    description: 'Amounts the payment worker charged, by payment.outcome (confirmed or rejected).',
    attributes: ['payment.outcome'],
    // Order amounts run from a few units to past the risk limit (5000 by default).
    boundaries: [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
  },
};

const ERROR_TYPES = { notStored: 'order_not_stored', paymentRejected: 'payment_rejected' };

let current = { provider: undefined, instruments: undefined };

function create(provider) {
  const meter = provider.getMeter('@org/otel-bootstrap-demo');
  const { ordersPlaced, ordersFailed, paymentAmount } = BUSINESS_METRICS;
  const options = ({ unit, description }) => ({ unit, description });
  return {
    ordersPlaced: meter.createCounter(ordersPlaced.name, options(ordersPlaced)),
    ordersFailed: meter.createCounter(ordersFailed.name, options(ordersFailed)),
    paymentAmount: meter.createHistogram(paymentAmount.name, {
      ...options(paymentAmount),
      advice: { explicitBucketBoundaries: paymentAmount.boundaries },
    }),
  };
}

/** The instruments of the current provider (see above). Recording must never fail a request: errors are dropped. */
function record(fn) {
  try {
    const provider = metrics.getMeterProvider();
    if (current.provider !== provider) current = { provider, instruments: create(provider) };
    fn(current.instruments);
  } catch {
    // A metrics problem is no reason to fail an order.
  }
}

const businessMetrics = {
  orderPlaced: () => record((i) => i.ordersPlaced.add(1)),
  /** `reason`: one of ERROR_TYPES' values. */
  orderFailed: (reason) => record((i) => i.ordersFailed.add(1, { 'error.type': reason })),
  /** Inside the consumer span, so a sampled charge's trace id becomes the histogram point's exemplar. */
  paymentCharged: (amount, outcome) =>
    record((i) => i.paymentAmount.record(Number(amount), { 'payment.outcome': outcome })),
};

module.exports = { BUSINESS_METRICS, ERROR_TYPES, businessMetrics };
