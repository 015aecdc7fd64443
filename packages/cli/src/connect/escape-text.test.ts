import { describe, expect, it } from "vitest";
import { escapeField, escapeForDisplay, unescapeField } from "./escape-text.js";

describe("escapeField", () => {
  it("keeps the scripted output on one line and decodable", () => {
    expect(escapeField("a\\b\nc\rd\te\u001bf")).toBe("a\\\\b\\nc\\rd\\te\\x1bf");
    expect(escapeField("two words", { spaces: true })).toBe("two\\swords");
    expect(escapeField("two words")).toBe("two words");
  });

  it("round-trips text through unescapeField", () => {
    // Every character up to U+02FF (controls, spaces, backslash, Latin) next to tricky neighbours.
    const samples = ["\\x41", "\\\\n", "a\\", "\\s ", "😀 \u0085", ""];
    for (let code = 0; code < 0x300; code++)
      samples.push(`${String.fromCharCode(code)}\\${code % 7 ? "x" : "n"}`);
    for (const text of samples) {
      for (const spaces of [false, true]) {
        const escaped = escapeField(text, { spaces });
        expect(escaped).not.toMatch(/[\n\r]/);
        if (spaces) expect(escaped).not.toContain(" ");
        expect(unescapeField(escaped)).toBe(text);
      }
    }
  });
});

describe("escapeForDisplay", () => {
  it("neutralises terminal control sequences but leaves backslashes for people", () => {
    expect(escapeForDisplay("\u001b[2Jgotcha\\")).toBe("\\x1b[2Jgotcha\\");
    expect(escapeForDisplay("line1\nline2")).toBe("line1\\nline2");
    expect(escapeForDisplay("héllo 👋")).toBe("héllo 👋");
  });
});
