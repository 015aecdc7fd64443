import type { TokenBucket } from "./token-bucket.js";

/**
 * What one listing request may still examine: at most `maxPerRequest` names in all, and no more than its
 * source address has left in its names-scanned bucket. Spent as names are read from the store; a listing
 * whose budget runs out stops there and returns what it found (a short page with a cursor, or a whole
 * listing marked truncated).
 */
export class ScanBudget {
  private remaining: number;

  constructor(
    maxPerRequest: number,
    private readonly sourceBucket: TokenBucket | undefined,
    private readonly now: () => number,
  ) {
    this.remaining = maxPerRequest;
  }

  /** A budget that never runs out: for the service's own direct calls, which no client makes. */
  static unlimited(): ScanBudget {
    return new ScanBudget(Number.POSITIVE_INFINITY, undefined, () => 0);
  }

  /** How many names may be examined next (0 when the budget is spent). */
  allowance(): number {
    const fromSource = this.sourceBucket
      ? Math.max(0, Math.floor(this.sourceBucket.available(this.now())))
      : Number.POSITIVE_INFINITY;
    return Math.min(this.remaining, fromSource);
  }

  /** Records `count` names examined. */
  spend(count: number): void {
    this.remaining -= count;
    this.sourceBucket?.charge(count, this.now());
  }
}
