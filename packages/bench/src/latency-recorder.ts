/** Latency percentiles of one measurement, in milliseconds. */
export interface LatencySummary {
  /** How many samples the figures come from. */
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/**
 * Collects latency samples into a preallocated array, so recording costs no allocation inside a timed
 * loop; samples past the capacity are dropped (the loops are bounded, so the capacity is only a safety).
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private size = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    if (this.size < this.samples.length) this.samples[this.size++] = ms;
  }

  /** How many samples were kept. */
  get count(): number {
    return this.size;
  }

  /** Percentiles of everything recorded (zeros when nothing was). */
  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.size).sort();
    const at = (quantile: number): number => {
      if (sorted.length === 0) return 0;
      const index = Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
      return round3(sorted[Math.max(0, index)] ?? 0);
    };
    return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999), maxMs: at(1) };
  }
}

/** Rounds to three decimals, so JSON results stay readable (microsecond resolution is plenty). */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Milliseconds on the monotonic clock, with sub-millisecond resolution. */
export function nowMs(): number {
  return performance.now();
}
