import {
  ChatError,
  CONTENT_MAX_BYTES,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_BYTES,
  USERNAME_MAX_BYTES,
  WILDCARD_MAX_BYTES,
} from "@chat/core";
import { describe, expect, it } from "vitest";
import { humanIncomingText, humanResultText } from "./human-format.js";
import { COLOUR_STYLE } from "./terminal-style.js";

const today = new Date(2026, 5, 1, 12, 0).getTime();

describe("the interactive prompt's text", () => {
  it("shows who sent a message and when, and marks mail stored while you were away", () => {
    const message = {
      seq: 1,
      from: "bob",
      content: "hi\x1b[2J",
      sentAt: new Date(2026, 5, 1, 8, 30).getTime(),
    };
    expect(humanIncomingText(message, { stored: false, now: today })).toBe("[08:30] bob: hi\\x1b[2J");
    const older = { ...message, sentAt: new Date(2026, 4, 30, 22, 15).getTime() };
    expect(humanIncomingText(older, { stored: true, now: today })).toBe(
      "[2026-05-30 22:15] bob: hi\\x1b[2J (while you were away)",
    );
  });

  it("colours only when asked to", () => {
    const message = { seq: 1, from: "bob", content: "hi", sentAt: today };
    const text = humanIncomingText(message, { stored: true, now: today }, { width: 80, style: COLOUR_STYLE });
    expect(text).toBe("\x1b[2m[12:00]\x1b[22m \x1b[1mbob\x1b[22m: hi \x1b[33m(while you were away)\x1b[39m");
    const failed = humanResultText(
      {
        kind: "failed",
        command: "login",
        error: new ChatError("UNAUTHENTICATED", "wrong username or password"),
      },
      { width: 80, style: COLOUR_STYLE },
    );
    expect(failed).toBe("\x1b[31merror: wrong username or password (UNAUTHENTICATED)\x1b[39m");
  });

  it("states the rules in help, from core's constants, and explains one command with help COMMAND", () => {
    const help = humanResultText({ kind: "help" });
    expect(help).toContain(`1-${USERNAME_MAX_BYTES} characters: A-Z a-z 0-9 _ . -`);
    expect(help).toContain(`${PASSWORD_MIN_BYTES}-${PASSWORD_MAX_BYTES} bytes of UTF-8`);
    expect(help).toContain(`1-${CONTENT_MAX_BYTES} bytes of UTF-8`);
    expect(help).toContain(`up to ${WILDCARD_MAX_BYTES} bytes: * any run, ? one char, \\ escapes`);
    expect(help).toMatch(/\n {2}quit +disconnect and exit \(also: exit\)\n/);
    const login = humanResultText({ kind: "help", topic: "login" }).split("\n");
    expect(login[0]).toBe("usage: login USR PWD");
    expect(login.some((line) => line.includes("passwords"))).toBe(true);
    expect(login.some((line) => line.includes("wildcards"))).toBe(false);
  });

  it("lists accounts in columns under a count", () => {
    const usernames = Array.from({ length: 12 }, (_, index) => `user${String(index).padStart(2, "0")}`);
    const lines = humanResultText(
      { kind: "accounts", usernames, pattern: "user*" },
      { width: 40, style: COLOUR_STYLE },
    ).split("\n");
    expect(lines[0]).toBe("12 accounts matching user*:");
    // Cells are 8 wide: (40 - 2 + 2) / 8 = 5 columns, so 3 rows.
    expect(lines.slice(1)).toEqual([
      "  user00  user03  user06  user09",
      "  user01  user04  user07  user10",
      "  user02  user05  user08  user11",
    ]);
  });
});
