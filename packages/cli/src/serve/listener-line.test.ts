import { describe, expect, it } from "vitest";
import { listenerLine, parseListenerLine } from "./listener-line.js";

describe("listener lines", () => {
  it("print and parse back, IPv6 hosts bracketed", () => {
    for (const listener of [
      { transport: "wire", host: "127.0.0.1", port: 5000 },
      { transport: "grpc", host: "::1", port: 43211 },
    ] as const) {
      const line = listenerLine(listener);
      expect(parseListenerLine(line)).toEqual(listener);
    }
    expect(listenerLine({ transport: "grpc", host: "::1", port: 1 })).toBe("grpc listening on [::1]:1");
  });

  it("ignore other lines", () => {
    expect(parseListenerLine('{"level":30,"msg":"wire server listening"}')).toBeUndefined();
  });
});
