/** How a {@link FailureBackoff} grows its wait. */
export interface BackoffShape {
  /** Failures allowed with no wait at all (the typos of a real person). */
  readonly freeFailures: number;
  /** Wait after the first failure past the free ones, in milliseconds; it doubles with each further one. */
  readonly firstDelayMs: number;
  /** Longest wait, in milliseconds. */
  readonly maxDelayMs: number;
  /** Failures are forgotten after this long without one, in milliseconds. */
  readonly forgetAfterMs: number;
}

interface FailureRecord {
  failures: number;
  lastAt: number;
}

/**
 * Exponential delay per key: a key may fail `freeFailures` times, then must wait `firstDelayMs` after its
 * last failure before the next attempt, then twice that, and so on up to `maxDelayMs`.
 *
 * An attempt counts as a failure from the moment it is admitted (so many attempts at once cannot all slip
 * through before the first one fails); when it turns out not to be one, the caller takes it back with
 * {@link succeeded} (forgives the key) or {@link undo} (takes back that one attempt). At most `maxKeys` keys
 * are remembered; past that the oldest is forgotten.
 */
export class FailureBackoff {
  private readonly records = new Map<string, FailureRecord>();

  constructor(
    private readonly shape: BackoffShape,
    private readonly maxKeys: number,
    private readonly now: () => number,
  ) {}

  /**
   * Whether an attempt for `key` may go ahead: 0 when it may (it is then counted as a failure), otherwise
   * how many milliseconds until it may.
   */
  admit(key: string): number {
    const now = this.now();
    let record = this.records.get(key);
    if (record !== undefined && now - record.lastAt >= this.shape.forgetAfterMs) {
      this.records.delete(key);
      record = undefined;
    }
    if (record !== undefined && record.failures >= this.shape.freeFailures) {
      const wait = record.lastAt + this.delayAfter(record.failures) - now;
      if (wait > 0) return wait;
    }
    if (record === undefined) {
      if (this.records.size >= this.maxKeys) this.records.delete(this.records.keys().next().value as string);
      record = { failures: 0, lastAt: now };
      this.records.set(key, record);
    }
    record.failures++;
    record.lastAt = now;
    return 0;
  }

  /** The wait required after `failures` failures (past the free ones), in milliseconds. */
  private delayAfter(failures: number): number {
    const doublings = failures - this.shape.freeFailures;
    return Math.min(this.shape.maxDelayMs, this.shape.firstDelayMs * 2 ** Math.min(doublings, 52));
  }

  /** An admitted attempt proved the key honest (the right password): its failures are forgotten. */
  succeeded(key: string): void {
    this.records.delete(key);
  }

  /** An admitted attempt was not a failure after all (never checked, or right): it no longer counts. */
  undo(key: string): void {
    const record = this.records.get(key);
    if (record === undefined) return;
    record.failures--;
    if (record.failures <= 0) this.records.delete(key);
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.records.size;
  }
}
