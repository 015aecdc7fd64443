import { describe, expect, it } from "vitest";
import { ChatError } from "./chat-error.js";
import {
  CONTENT_MAX_BYTES,
  MAX_PAGE_SIZE,
  validateContent,
  validatePageSize,
  validatePassword,
  validateSequence,
  validateUsername,
} from "./rules.js";

function codeOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof ChatError ? error.code : "not a ChatError";
  }
}

describe("rules", () => {
  it("checks usernames by bytes and character set", () => {
    expect(validateUsername("a")).toBe("a");
    expect(validateUsername("Z9_.-".padEnd(16, "x"))).toHaveLength(16);
    for (const bad of ["", "x".repeat(17), "a b", "ü", "a\0", 42, null, undefined]) {
      expect(codeOf(() => validateUsername(bad))).toBe("INVALID_ARGUMENT");
    }
  });

  it("counts password and content sizes in UTF-8 bytes", () => {
    expect(validatePassword("€".repeat(21))).toHaveLength(21); // 63 bytes
    expect(codeOf(() => validatePassword("€".repeat(22)))).toBe("INVALID_ARGUMENT"); // 66 bytes
    expect(validateContent("😀".repeat(CONTENT_MAX_BYTES / 4))).toHaveLength(CONTENT_MAX_BYTES / 2);
    expect(codeOf(() => validateContent(`${"😀".repeat(CONTENT_MAX_BYTES / 4)}x`))).toBe("INVALID_ARGUMENT");
  });

  it("rejects text that cannot be UTF-8: lone surrogates", () => {
    expect(codeOf(() => validateContent("bad \uD800 half"))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => validatePassword("\uDC00password"))).toBe("INVALID_ARGUMENT");
  });

  it("names the broken rule in the message", () => {
    expect(() => validateContent("")).toThrow(/message must be 1-512 bytes/);
    expect(() => validatePassword("short")).toThrow(/password must be 8-64 bytes/);
    expect(() => validateUsername("a b")).toThrow(/username may only use/);
  });

  it("checks page sizes and sequence numbers", () => {
    expect(validatePageSize(1)).toBe(1);
    expect(validatePageSize(MAX_PAGE_SIZE)).toBe(MAX_PAGE_SIZE);
    for (const bad of [0, MAX_PAGE_SIZE + 1, 1.5, Number.NaN, "10"]) {
      expect(codeOf(() => validatePageSize(bad))).toBe("INVALID_ARGUMENT");
    }
    expect(validateSequence(0)).toBe(0);
    for (const bad of [-1, 0.5, 2 ** 53, "1"])
      expect(codeOf(() => validateSequence(bad))).toBe("INVALID_ARGUMENT");
  });
});
