import { describe, expect, it } from "vitest";
import { describeNetworkError } from "./network-error.js";

describe("describeNetworkError", () => {
  it("explains Node's socket error codes, also when wrapped or only in the message", () => {
    const busy = Object.assign(new Error("listen EADDRINUSE: address already in use"), {
      code: "EADDRINUSE",
    });
    expect(describeNetworkError(busy)).toMatch(/already in use/);
    expect(describeNetworkError(new Error("could not start", { cause: busy }))).toMatch(/already in use/);
    expect(describeNetworkError(new Error("No connection established. connect ECONNREFUSED 1.2.3.4:5"))).toBe(
      "connection refused (is the server running?)",
    );
  });

  it("falls back to the first line of the message", () => {
    expect(describeNetworkError(new Error("something odd\n    at stack:1:2"))).toBe("something odd");
  });
});
