import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { NO_TIMEOUT } from "./chat-client-options.js";
import { ChatError } from "./chat-error.js";
import { ClientRequest } from "./client-request.js";
import { InFlightRequests } from "./in-flight-requests.js";

/** Timers armed in this process right now (Node counts each armed `setTimeout` as one `Timeout`). */
function armedTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

function request(
  inFlight: InFlightRequests<ClientRequest<unknown>>,
  timeoutMs: number,
): ClientRequest<string> {
  return new ClientRequest<string>(inFlight, timeoutMs, "request", undefined);
}

/** When `request` settles (ms since `start`) and how. */
async function outcome(
  request: ClientRequest<string>,
  start: number,
): Promise<{ at: number; error?: ChatError }> {
  try {
    await request.promise;
    return { at: performance.now() - start };
  } catch (error) {
    return { at: performance.now() - start, error: error as ChatError };
  }
}

describe("InFlightRequests", () => {
  it("expires requests of different timeouts each at its own deadline, the earliest first", async () => {
    const inFlight = new InFlightRequests<ClientRequest<unknown>>();
    const start = performance.now();
    const order: number[] = [];
    const timeouts = [240, 60, 120];
    const outcomes = timeouts.map((timeoutMs) => {
      const made = request(inFlight, timeoutMs);
      return outcome(made, start).then((result) => {
        order.push(timeoutMs);
        return result;
      });
    });
    expect(inFlight.size).toBe(3);
    const results = await Promise.all(outcomes);
    expect(order).toEqual([60, 120, 240]);
    results.forEach((result, index) => {
      const timeoutMs = timeouts[index] as number;
      expect(result.error?.code).toBe("UNAVAILABLE");
      expect(result.error?.message).toBe(`the server did not answer within ${timeoutMs} ms`);
      // Never early: each deadline was set after `start`, so `at` is at least the timeout.
      expect(result.at).toBeGreaterThanOrEqual(timeoutMs);
    });
    expect(inFlight.size).toBe(0);
  });

  it("gives a request made later its own full deadline after the oldest one settled", async () => {
    const inFlight = new InFlightRequests<ClientRequest<unknown>>();
    const first = request(inFlight, 80);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const start = performance.now();
    const second = request(inFlight, 80);
    first.resolve("answered");
    await expect(first.promise).resolves.toBe("answered");
    const result = await outcome(second, start);
    expect(result.error?.message).toBe("the server did not answer within 80 ms");
    expect(result.at).toBeGreaterThanOrEqual(80);
  });

  it("times a request made after the others settled at its own deadline, on the timer they left", async () => {
    const inFlight = new InFlightRequests<ClientRequest<unknown>>();
    const before = armedTimers();
    const first = request(inFlight, 80);
    expect(armedTimers()).toBe(before + 1);
    first.resolve("answered");
    // Nothing waits: the timer left armed for the first deadline keeps nothing alive.
    expect(armedTimers()).toBe(before);
    await expect(first.promise).resolves.toBe("answered");
    await new Promise((resolve) => setTimeout(resolve, 40));
    const start = performance.now();
    const idle = armedTimers();
    const second = request(inFlight, 80);
    expect(armedTimers()).toBe(idle + 1);
    // The left timer fires at the first deadline, before the second's: the second waits for its own.
    const result = await outcome(second, start);
    expect(result.error?.message).toBe("the server did not answer within 80 ms");
    expect(result.at).toBeGreaterThanOrEqual(80);
  });

  it("expires a shorter request at its own deadline although a later one was left armed", async () => {
    const inFlight = new InFlightRequests<ClientRequest<unknown>>();
    const long = request(inFlight, 60_000);
    long.resolve("answered");
    const start = performance.now();
    const short = request(inFlight, 50);
    const result = await outcome(short, start);
    expect(result.error?.message).toBe("the server did not answer within 50 ms");
    expect(result.at).toBeGreaterThanOrEqual(50);
    expect(result.at).toBeLessThan(30_000);
  });

  it("times any number of requests on one timer, and arms none once nothing with a deadline waits", async () => {
    const before = armedTimers();
    const inFlight = new InFlightRequests<ClientRequest<unknown>>();
    const requests = Array.from({ length: 100 }, () => request(inFlight, 60_000));
    const untimed = request(inFlight, NO_TIMEOUT);
    expect(armedTimers()).toBe(before + 1);
    expect(inFlight.size).toBe(101);
    expect(inFlight.snapshot()).toEqual([...requests, untimed]);
    for (const made of requests) made.resolve("ok");
    // The untimed one keeps nothing alive.
    expect(armedTimers()).toBe(before);
    expect(inFlight.snapshot()).toEqual([untimed]);
    untimed.reject(new ChatError("UNAVAILABLE", "gone"));
    await expect(untimed.promise).rejects.toThrow("gone");
    expect(inFlight.size).toBe(0);
  });

  it("lets a request that settles while others expire leave the lane without disturbing them", async () => {
    const inFlight = new InFlightRequests<ClientRequest<unknown>>();
    const start = performance.now();
    const requests = Array.from({ length: 5 }, () => request(inFlight, 50));
    const results = requests.map((made) => outcome(made, start));
    requests[2]?.resolve("early");
    const settled = await Promise.all(results);
    expect(settled.map((result) => result.error === undefined)).toEqual([false, false, true, false, false]);
    expect(inFlight.size).toBe(0);
  });
});
