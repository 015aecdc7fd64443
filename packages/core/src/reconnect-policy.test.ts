import { describe, expect, it } from "vitest";
import {
  LOGGED_IN_ELSEWHERE_GRACE_MS,
  RECONNECT_INITIAL_DELAY_MS,
  RECONNECT_JITTER,
  RECONNECT_MAX_DELAY_MS,
} from "./chat-client-options.js";
import { reconnectDelay, reconnectPolicy } from "./reconnect-policy.js";

describe("reconnectPolicy", () => {
  it("is off unless asked for, and true means the named defaults", () => {
    expect(reconnectPolicy(undefined)).toBeUndefined();
    expect(reconnectPolicy(false)).toBeUndefined();
    expect(reconnectPolicy(true)).toEqual({
      maxAttempts: Number.POSITIVE_INFINITY,
      initialDelayMs: RECONNECT_INITIAL_DELAY_MS,
      maxDelayMs: RECONNECT_MAX_DELAY_MS,
      waitForConnection: true,
      loggedInElsewhereGraceMs: LOGGED_IN_ELSEWHERE_GRACE_MS,
    });
  });

  it("refuses negative or NaN settings with a RangeError naming them", () => {
    expect(() => reconnectPolicy({ maxAttempts: -1 })).toThrow("reconnect.maxAttempts must be 0 or more");
    expect(() => reconnectPolicy({ initialDelayMs: Number.NaN })).toThrow(RangeError);
  });
});

describe("reconnectDelay", () => {
  const policy = reconnectPolicy(true);
  if (policy === undefined) throw new Error("unreachable");

  it("doubles from 100 ms to a 10 s cap at the top of its jitter range", () => {
    const tops = [0, 1, 2, 3, 6, 7, 8, 30, 1000].map((attempt) => reconnectDelay(policy, attempt, 0));
    expect(tops).toEqual([100, 200, 400, 800, 6400, 10_000, 10_000, 10_000, 10_000]);
  });

  it(`takes up to ${RECONNECT_JITTER * 100}% off at random`, () => {
    expect(reconnectDelay(policy, 0, 0.999_999)).toBe(50);
    expect(reconnectDelay(policy, 10, 0.5)).toBe(7500);
  });
});
