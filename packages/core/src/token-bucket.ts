/**
 * A token bucket: holds up to `capacity` tokens and gains `refillPerSecond` of them every second. Each
 * request takes tokens; one that finds too few is refused and told how long until there would be enough.
 * `charge` may take more than there is (the bucket goes into debt), for work whose cost is known only once
 * it is done (names scanned by a listing): later requests then wait until the debt is paid.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((now - this.updatedAt) * this.refillPerSecond) / 1000,
      );
    }
    this.updatedAt = now;
  }

  /** Takes `count` tokens when there are that many: returns 0; otherwise takes none and returns the wait in ms. */
  take(count: number, now: number): number {
    this.refill(now);
    if (this.tokens >= count) {
      this.tokens -= count;
      return 0;
    }
    return this.waitFor(count);
  }

  /** How long until `count` tokens are there (0 when they are now), without taking any. */
  waitFor(count: number): number {
    const missing = Math.min(count, this.capacity) - this.tokens;
    if (missing <= 0) return 0;
    return this.refillPerSecond > 0 ? (missing * 1000) / this.refillPerSecond : Number.POSITIVE_INFINITY;
  }

  /** Whether at least one token is there now. */
  hasTokens(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  /** Tokens there now (negative while in debt). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes `count` tokens whether or not there are that many. */
  charge(count: number, now: number): void {
    this.refill(now);
    this.tokens -= count;
  }

  /** Gives back tokens taken for work that turned out not to happen, up to the capacity. */
  refund(count: number, now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.capacity, this.tokens + count);
  }

  /** Whether the bucket is full, so forgetting it changes nothing. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }
}

/** The shape of one family of buckets: how many tokens each holds and how fast it refills. */
export interface BucketShape {
  /** Most tokens a bucket holds: the burst allowed after a quiet time. */
  readonly burst: number;
  /** Tokens gained per second: the sustained rate. */
  readonly perSecond: number;
}

/** How many of the oldest buckets are checked for a full one to forget when a new key needs room. */
const EVICTION_LOOKAHEAD = 64;

/**
 * One {@link TokenBucket} per key (a source address, an account), made on first use. At most `maxKeys` are
 * kept: when one more is needed, full buckets are forgotten first (a full bucket is the same as a new one),
 * then the oldest, so many keys cannot make it grow without bound.
 */
export class KeyedTokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly shape: BucketShape,
    private readonly maxKeys: number,
    private readonly now: () => number,
  ) {}

  /** The bucket of `key`, made full when there is none. */
  of(key: string): TokenBucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.makeRoom();
      bucket = new TokenBucket(this.shape.burst, this.shape.perSecond, this.now());
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Takes `count` tokens from `key`'s bucket: 0 when taken, otherwise the wait in ms (nothing taken). */
  take(key: string, count = 1): number {
    return this.of(key).take(count, this.now());
  }

  /** How many keys have a bucket. */
  get size(): number {
    return this.buckets.size;
  }

  private makeRoom(): void {
    if (this.buckets.size < this.maxKeys) return;
    const now = this.now();
    let looked = 0;
    // Only a few of the oldest are looked at, so a flood of new keys costs a bounded time each.
    for (const [key, bucket] of this.buckets) {
      if (looked++ >= EVICTION_LOOKAHEAD) break;
      if (bucket.isFull(now)) this.buckets.delete(key);
    }
    // Still full of busy buckets: forget the oldest (Map iteration is insertion order).
    while (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
  }
}
