import { describe, expect, it } from "vitest";
import { compareBinary, prefixUpperBound } from "./key-range.js";

describe("prefixUpperBound", () => {
  it("increments the last code point", () => {
    expect(prefixUpperBound("al")).toBe("am");
    expect(prefixUpperBound("a-")).toBe("a.");
  });

  it("has no bound for the empty prefix or only U+10FFFF, and carries past U+10FFFF", () => {
    expect(prefixUpperBound("")).toBeUndefined();
    expect(prefixUpperBound("\u{10ffff}")).toBeUndefined();
    expect(prefixUpperBound("a\u{10ffff}")).toBe("b");
  });

  it("skips the surrogate range and handles astral characters", () => {
    expect(prefixUpperBound("a\ud7ff")).toBe("a\ue000");
    expect(prefixUpperBound("😀")).toBe("😁");
  });

  it("bounds exactly the strings that start with the prefix, in SQLite's byte order", () => {
    const prefix = "b\uffff";
    const upper = prefixUpperBound(prefix) ?? "";
    for (const inside of [prefix, `${prefix}a`, `${prefix}😀`])
      expect(compareBinary(inside, upper)).toBeLessThan(0);
    // "b😀" sorts after "b\uffff" in code point order although UTF-16 says otherwise.
    expect(compareBinary("b😀", upper)).toBeGreaterThanOrEqual(0);
    expect("b😀" < prefix).toBe(true);
  });
});
