import { describe, expect, it } from "vitest";
import { COLOUR_STYLE, PLAIN_STYLE, styleFor, useColour } from "./terminal-style.js";

const colourTerminal = { isTTY: true, hasColors: () => true };

describe("colour", () => {
  it("is used only on a terminal with colours, and never with NO_COLOR set", () => {
    expect(useColour(colourTerminal, {})).toBe(true);
    expect(useColour(colourTerminal, { NO_COLOR: "1" })).toBe(false);
    // The convention: an empty NO_COLOR does not count.
    expect(useColour(colourTerminal, { NO_COLOR: "" })).toBe(true);
    expect(useColour({ isTTY: true, hasColors: () => false }, {})).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(styleFor(colourTerminal, { NO_COLOR: "1" })).toBe(PLAIN_STYLE);
  });

  it("wraps text in escapes that end their own style, and plain style leaves text alone", () => {
    expect(COLOUR_STYLE.error("no")).toBe("\x1b[31mno\x1b[39m");
    expect(COLOUR_STYLE.dim("[09:05]")).toBe("\x1b[2m[09:05]\x1b[22m");
    expect(PLAIN_STYLE.notice("x")).toBe("x");
  });
});
