import { describe, expect, it } from "vitest";
import { KeyedTokenBuckets, TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("allows a burst, then refills at its rate, and says how long until the next token", () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(1, 0), bucket.take(1, 0), bucket.take(1, 0)]).toEqual([0, 0, 0]);
    expect(bucket.take(1, 0)).toBe(500);
    expect(bucket.take(1, 250)).toBe(250);
    expect(bucket.take(1, 500)).toBe(0);
    // Never more than the burst, however long it was quiet.
    bucket.take(0, 1_000_000);
    expect(bucket.available(1_000_000)).toBe(3);
  });

  it("goes into debt for work charged after the fact, and refunds up to its capacity", () => {
    const bucket = new TokenBucket(10, 10, 0);
    bucket.charge(25, 0);
    expect(bucket.available(0)).toBe(-15);
    expect(bucket.hasTokens(1000)).toBe(false);
    expect(bucket.hasTokens(1600)).toBe(true);
    bucket.refund(100, 1600);
    expect(bucket.available(1600)).toBe(10);
  });

  it("never refuses with an unlimited shape", () => {
    const bucket = new TokenBucket(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0);
    for (let index = 0; index < 1000; index++) expect(bucket.take(1, 0)).toBe(0);
    bucket.charge(1e12, 0);
    expect(bucket.take(1, 1)).toBe(0);
  });
});

describe("KeyedTokenBuckets", () => {
  it("keeps one bucket per key and forgets past its bound, full ones first", () => {
    let now = 0;
    const buckets = new KeyedTokenBuckets({ burst: 1, perSecond: 1 }, 2, () => now);
    expect(buckets.take("a")).toBe(0);
    expect(buckets.take("a")).toBe(1000);
    expect(buckets.take("b")).toBe(0);
    now = 5000;
    // Both refilled: making room for "c" forgets full buckets, so the map never passes its bound.
    expect(buckets.take("c")).toBe(0);
    expect(buckets.size).toBeLessThanOrEqual(2);
    expect(buckets.take("c")).toBe(1000);
  });
});
