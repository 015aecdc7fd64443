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

  it("refuses a lease that is not a positive duration", () => {
    expect(() => new SessionLease(0, () => {})).toThrow(RangeError);
    expect(() => new SessionLease(Number.NaN, () => {})).toThrow(RangeError);
  });
});
