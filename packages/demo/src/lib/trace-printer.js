// `npm run demo` with no collector: every service exports to this one OTLP receiver, and each trace is printed here
// whole, once, in one write, so no two traces' lines interleave and no service prints a piece of its own.
const { OtlpReceiver } = require('@org/otel-testing');
const { WholeTraces } = require('./whole-traces');
const { PrintBudget } = require('./print-budget');
const { renderTrace } = require('./trace-text');
const { LOAD_USER_AGENT } = require('./load-user-agent');

const TICK_MS = 250;

// How much is printed, and why. An order is about 25 lines, and the load generator starts 2 traces a second
// (LOAD_RATE): printing them all is some 50 lines a second, which nobody reads, and Jaeger is the place to browse
// every trace. One load-generator trace every 5 s keeps the flows coming by, each on screen long enough to read;
// its header says how many were left out. A trace someone started by hand (the banner's curl, a browser) is the one
// they are looking for, so those are all printed, unless something sends more than 5 a second for a while.
const BUDGETS = {
  load: { everyMs: 5_000, burst: 1 },
  other: { everyMs: 200, burst: 10 },
};

class TracePrinter {
  /** `quietMs`: how long a trace must go without a new span before it counts as whole. */
  constructor({ quietMs, print = console.log, now = Date.now }) {
    this.print = print;
    this.receiver = new OtlpReceiver();
    this.traces = new WholeTraces({ quietMs, now });
    this.budgets = {
      load: new PrintBudget({ ...BUDGETS.load, now }),
      other: new PrintBudget({ ...BUDGETS.other, now }),
    };
    this.latePrinted = 0;
    this.decodeErrorsPrinted = false;
  }

  /** Starts the receiver on a free port of 127.0.0.1; resolves to its URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  async start() {
    const url = await this.receiver.start();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    return url;
  }

  /** Prints nothing more; the receiver still takes spans, so services flushing as they stop get an answer. */
  mute() {
    clearInterval(this.timer);
  }

  async stop() {
    this.mute();
    await this.receiver.stop();
  }

  tick() {
    // The receiver keeps everything it gets, for tests; the demo runs for hours, so it takes them as they come.
    this.traces.add(this.receiver.spans.splice(0));
    this.receiver.requests.splice(0);
    const decodeErrors = this.receiver.decodeErrors.splice(0);
    if (decodeErrors.length > 0 && !this.decodeErrorsPrinted) {
      this.decodeErrorsPrinted = true;
      console.error(`demo: an OTLP request could not be decoded (${decodeErrors[0]}); such requests are dropped`);
    }
    for (const trace of this.traces.takeWhole()) this.printTrace(trace);
  }

  printTrace(trace) {
    const kind = isFromLoadGenerator(trace) ? 'load' : 'other';
    const budget = this.budgets[kind];
    if (!budget.allow()) return;
    const notes = [];
    const skipped = budget.takeSkipped();
    const notPrinted = skipped > 0 ? `${skipped} not printed since the last one` : '';
    if (kind === 'load') notes.push(`load generator${notPrinted && `, ${notPrinted}`}`);
    else if (notPrinted) notes.push(`${notPrinted}: more than ${1000 / BUDGETS.other.everyMs} a second`);
    if (!trace.rooted) notes.push('its root span never arrived');
    const late = this.traces.lateSpans - this.latePrinted;
    this.latePrinted = this.traces.lateSpans;
    if (late > 0) notes.push(`${late} spans came after their trace was printed`);
    // One call, so the whole tree goes out in one write, and a blank line ends it.
    this.print(`${renderTrace(trace, notes.join('; '))}\n`);
  }
}

function isFromLoadGenerator(trace) {
  const root = trace.spans.find((span) => !span.parentSpanId);
  return root?.attributes['user_agent.original'] === LOAD_USER_AGENT;
}

module.exports = { TracePrinter };
