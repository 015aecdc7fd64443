import { describe, expect, it } from "vitest";
import {
  DELIVERY_MAX_READ_FAILURES,
  DELIVERY_RETRY_FIRST_DELAY_MS,
  DELIVERY_RETRY_MAX_DELAY_MS,
  deliveryRetryDelayMs,
} from "./delivery-retry.js";
import { DEFAULT_LEASE_TTL_MS } from "./session-directory.js";

describe("deliveryRetryDelayMs", () => {
  it("doubles from the first delay up to the longest", () => {
    const delays = Array.from({ length: 8 }, (_, index) => deliveryRetryDelayMs(index + 1));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000]);
    expect(delays[0]).toBe(DELIVERY_RETRY_FIRST_DELAY_MS);
    expect(Math.max(...delays)).toBe(DELIVERY_RETRY_MAX_DELAY_MS);
  });

  it("gives up before a distributed session's lease would run out during the same outage", () => {
    let waited = 0;
    for (let failures = 1; failures < DELIVERY_MAX_READ_FAILURES; failures++)
      waited += deliveryRetryDelayMs(failures);
    expect(waited).toBeLessThan(DEFAULT_LEASE_TTL_MS);
  });
});
