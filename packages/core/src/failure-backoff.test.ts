import { describe, expect, it } from "vitest";
import { FailureBackoff } from "./failure-backoff.js";

const SHAPE = { freeFailures: 2, firstDelayMs: 1000, maxDelayMs: 4000, forgetAfterMs: 60_000 };

describe("FailureBackoff", () => {
  it("lets the free failures through, then doubles the wait after each further one up to the cap", () => {
    let now = 0;
    const backoff = new FailureBackoff(SHAPE, 100, () => now);
    expect([backoff.admit("k"), backoff.admit("k")]).toEqual([0, 0]);
    expect(backoff.admit("k")).toBe(1000);
    now = 1000;
    expect(backoff.admit("k")).toBe(0);
    expect(backoff.admit("k")).toBe(2000);
    now = 3000;
    expect(backoff.admit("k")).toBe(0);
    now = 7000;
    expect(backoff.admit("k")).toBe(0);
    // Capped: never more than maxDelayMs.
    expect(backoff.admit("k")).toBe(4000);
  });

  it("counts attempts at admission, so many at once cannot all pass", () => {
    const backoff = new FailureBackoff(SHAPE, 100, () => 0);
    const admitted = Array.from({ length: 50 }, () => backoff.admit("k")).filter((wait) => wait === 0);
    expect(admitted).toHaveLength(2);
  });

  it("forgives on success, takes back an attempt on undo, and forgets after a quiet time", () => {
    let now = 0;
    const backoff = new FailureBackoff(SHAPE, 100, () => now);
    backoff.admit("k");
    backoff.admit("k");
    backoff.succeeded("k");
    expect(backoff.admit("k")).toBe(0);
    backoff.undo("k");
    backoff.admit("k");
    expect(backoff.admit("k")).toBe(0);
    expect(backoff.admit("k")).toBeGreaterThan(0);
    now = 60_000;
    expect(backoff.admit("k")).toBe(0);
  });

  it("keys apart: one key's failures never delay another's", () => {
    const backoff = new FailureBackoff(SHAPE, 100, () => 0);
    for (let index = 0; index < 5; index++) backoff.admit("attacker");
    expect(backoff.admit("owner")).toBe(0);
  });
});
