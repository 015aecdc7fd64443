import { describe, expect, it, vi } from "vitest";
import { SessionLease } from "./session-lease.js";

const LEASE_MS = 60;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SessionLease", () => {
  it("runs out once nothing holds it for the lease", async () => {
    let expired = 0;
    const lease = new SessionLease(LEASE_MS, () => expired++);
    await wait(LEASE_MS / 2);
    expect(expired).toBe(0);
    await vi.waitFor(() => expect(expired).toBe(1));
    await wait(LEASE_MS * 2);
    expect(expired).toBe(1);
    expect(lease.held).toBe(false);
  });

  it("never runs out while held, and runs the full lease again from the release", async () => {
    let expired = 0;
    const lease = new SessionLease(LEASE_MS, () => expired++);
    lease.hold();
    lease.hold();
    await wait(LEASE_MS * 3);
    lease.release();
    await wait(LEASE_MS * 2);
    expect(expired).toBe(0);
    const releasedAt = performance.now();
    lease.release();
    await vi.waitFor(() => expect(expired).toBe(1));
    expect(performance.now() - releasedAt).toBeGreaterThanOrEqual(LEASE_MS - 1);
  });

  it("never runs out once ended", async () => {
    let expired = 0;
    const lease = new SessionLease(LEASE_MS, () => expired++);
    lease.end();
    await wait(LEASE_MS * 3);
    expect(expired).toBe(0);
  });

  it("is renewed by calls, but only up to the renewal limit after the last release", async () => {
    let expired = 0;
    const renewalLimitMs = LEASE_MS * 3;
    const startedAt = performance.now();
    const lease = new SessionLease(LEASE_MS, () => expired++, renewalLimitMs);
    // A call every half lease: each one renews the lease...
    while (performance.now() - startedAt < renewalLimitMs - LEASE_MS / 2) {
      lease.callStarted();
      lease.callEnded();
      expect(expired).toBe(0);
      await wait(LEASE_MS / 2);
    }
    // ...until the limit, however many calls follow.
    const calling = setInterval(() => {
      if (expired > 0) return;
      lease.callStarted();
      lease.callEnded();
    }, LEASE_MS / 4);
    await vi.waitFor(() => expect(expired).toBe(1));
    clearInterval(calling);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(renewalLimitMs - 1);
    expect(performance.now() - startedAt).toBeLessThan(renewalLimitMs + LEASE_MS * 3);
  });

  it("never runs out during a call, and runs out at its end once past the renewal limit", async () => {
    let expired = 0;
    const lease = new SessionLease(LEASE_MS, () => expired++, LEASE_MS);
    lease.callStarted();
    await wait(LEASE_MS * 3);
    expect(expired).toBe(0);
    lease.callEnded();
    await vi.waitFor(() => expect(expired).toBe(1));
  });

  it("restarts the renewal window when a holder lets go", async () => {
    let expired = 0;
    const lease = new SessionLease(LEASE_MS, () => expired++, LEASE_MS * 2);
    lease.hold();
    await wait(LEASE_MS * 3);
    const releasedAt = performance.now();
    lease.release();
    lease.callStarted();
    lease.callEnded();
    await vi.waitFor(() => expect(expired).toBe(1));
    expect(performance.now() - releasedAt).toBeGreaterThanOrEqual(LEASE_MS - 1);
  });

  it("refuses a lease that is not a positive duration", () => {
    expect(() => new SessionLease(0, () => {})).toThrow(RangeError);
    expect(() => new SessionLease(Number.NaN, () => {})).toThrow(RangeError);
    expect(() => new SessionLease(LEASE_MS, () => {}, 0)).toThrow(RangeError);
  });
});
