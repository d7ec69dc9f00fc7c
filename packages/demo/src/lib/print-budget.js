// A token bucket for printing: up to `burst` traces at once, then one every `everyMs`. What it turns away is
// counted, so the next trace printed can say how many were not.
class PrintBudget {
  constructor({ everyMs, burst = 1, now = Date.now }) {
    this.everyMs = everyMs;
    this.burst = burst;
    this.now = now;
    this.tokens = burst;
    this.refilledAt = now();
    /** Traces turned away since the last one allowed. */
    this.skipped = 0;
  }

  /** True if a trace may be printed now; otherwise counts it as skipped. */
  allow() {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / this.everyMs);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.skipped++;
      return false;
    }
    this.tokens -= 1;
    return true;
  }

  /** The count of traces skipped since the last one allowed, reset to zero. */
  takeSkipped() {
    const skipped = this.skipped;
    this.skipped = 0;
    return skipped;
  }
}

module.exports = { PrintBudget };
