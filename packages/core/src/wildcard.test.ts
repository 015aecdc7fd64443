import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileWildcard, matchesWildcard } from "./wildcard.js";

const matches = (pattern: string, name: string): boolean => matchesWildcard(compileWildcard(pattern), name);

/** A slow, obviously correct reference matcher: recursion over the token list. */
function reference(pattern: string, name: string): boolean {
  if (pattern === "") return true; // the spec's one special case: the empty pattern lists everything
  const tokens: Array<string | "*" | "?"> = [];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === "\\") tokens.push(`=${(pattern[++index] as string).toLowerCase()}`);
    else if (char === "*" || char === "?") tokens.push(char);
    else tokens.push(`=${char.toLowerCase()}`);
  }
  const text = name.toLowerCase();
  const go = (t: number, c: number): boolean => {
    if (t === tokens.length) return c === text.length;
    const token = tokens[t];
    if (token === "*") return go(t + 1, c) || (c < text.length && go(t, c + 1));
    if (c === text.length) return false;
    if (token === "?") return go(t + 1, c + 1);
    return token === `=${text[c]}` && go(t + 1, c + 1);
  };
  return go(0, 0);
}

describe("wildcard", () => {
  it("anchors at both ends and ignores case", () => {
    expect(matches("bob", "BOB")).toBe(true);
    expect(matches("bo", "bob")).toBe(false);
    expect(matches("ob", "bob")).toBe(false);
    expect(matches("*ob", "bob")).toBe(true);
  });

  it("treats the empty pattern and a lone star as match-all", () => {
    for (const name of ["", "a", "anything.at-all"]) {
      expect(matches("", name)).toBe(true);
      expect(matches("*", name)).toBe(true);
    }
  });

  it("matches ? as exactly one character and escapes with backslash", () => {
    expect(matches("b?b", "bob")).toBe(true);
    expect(matches("b?b", "bb")).toBe(false);
    expect(matches("a\\*", "a*")).toBe(true);
    expect(matches("a\\*", "ab")).toBe(false);
    expect(matches("a\\?", "a?")).toBe(true);
    expect(matches("a\\\\", "a\\")).toBe(true);
  });

  it("exposes the literal prefix for index lookups", () => {
    expect(compileWildcard("Al*x").literalPrefix).toBe("al");
    expect(compileWildcard("\\*x*").literalPrefix).toBe("*x");
    expect(compileWildcard("?x").literalPrefix).toBe("");
  });

  it("rejects a trailing lone backslash and patterns over 16 bytes", () => {
    expect(() => compileWildcard("ab\\")).toThrow(/lone/);
    expect(() => compileWildcard("a".repeat(17))).toThrow(/at most 16 bytes/);
    expect(() => compileWildcard("é".repeat(9))).toThrow(/at most 16 bytes/);
  });

  it("stays fast on patterns that make backtracking regexes explode", () => {
    const started = performance.now();
    expect(matches("*a*a*a*a*a*a*a*b", "a".repeat(16))).toBe(false);
    // A correctness check with a generous bound: exponential matching would take far longer than this.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("agrees with a reference matcher on random patterns and names", () => {
    const alphabet = fc.constantFrom("a", "B", "b", ".", "*", "?", "\\");
    const pattern = fc
      .array(alphabet, { maxLength: 10 })
      .map((chars) => chars.join(""))
      .filter((text) => !/(^|[^\\])(\\\\)*\\$/.test(text));
    const name = fc
      .array(fc.constantFrom("a", "A", "b", ".", "*", "?", "\\"), { maxLength: 10 })
      .map((c) => c.join(""));
    fc.assert(
      fc.property(pattern, name, (p, n) => matches(p, n) === reference(p, n)),
      { numRuns: 2000 },
    );
  });
});
