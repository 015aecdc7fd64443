import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { formatAddress, parsePort } from "./option-parsers.js";

describe("parsePort", () => {
  it("accepts 0 to 65535", () => {
    expect(parsePort("0")).toBe(0);
    expect(parsePort("5000")).toBe(5000);
    expect(parsePort("65535")).toBe(65535);
  });

  it("rejects anything else as a usage error", () => {
    for (const bad of ["", "-1", "65536", "5e3", "12a", " 80", "999999"]) {
      expect(() => parsePort(bad), bad).toThrow(InvalidArgumentError);
    }
  });
});

describe("formatAddress", () => {
  it("brackets IPv6 hosts", () => {
    expect(formatAddress("127.0.0.1", 1)).toBe("127.0.0.1:1");
    expect(formatAddress("::", 2)).toBe("[::]:2");
  });
});
