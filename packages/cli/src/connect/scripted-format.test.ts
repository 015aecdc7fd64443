import { ChatError } from "@chat/core";
import { describe, expect, it } from "vitest";
import { scriptedIncomingLine, scriptedResultLine } from "./scripted-format.js";

describe("scripted format", () => {
  it("prints one stable line per outcome", () => {
    expect(scriptedResultLine({ kind: "registered", username: "alice" })).toBe("ok register alice");
    expect(scriptedResultLine({ kind: "loggedIn", username: "Alice" })).toBe("ok login Alice");
    expect(scriptedResultLine({ kind: "loggedOut" })).toBe("ok logout");
    expect(scriptedResultLine({ kind: "deleted" })).toBe("ok deleteacc");
    expect(scriptedResultLine({ kind: "accounts", usernames: ["alice", "bob"] })).toBe("accounts alice bob");
    expect(scriptedResultLine({ kind: "accounts", usernames: [], pattern: "z*" })).toBe("accounts");
    expect(scriptedResultLine({ kind: "sent", to: "bob", seq: 7, delivery: "stored" })).toBe(
      "ok message bob 7 stored",
    );
    expect(
      scriptedResultLine({
        kind: "failed",
        command: "register",
        error: new ChatError("ALREADY_EXISTS", "username alice is already taken"),
      }),
    ).toBe("error ALREADY_EXISTS username alice is already taken");
    expect(scriptedResultLine({ kind: "usage", command: "message" })).toBe("usage message USR MSG...");
    expect(scriptedResultLine({ kind: "unknown", name: "foo" })).toBe(
      "error UNKNOWN_COMMAND no command named foo; try help",
    );
    expect(scriptedResultLine({ kind: "help" })).toBe(
      "help register login logout deleteacc accdump accfilter message help quit",
    );
    expect(scriptedResultLine({ kind: "quit" })).toBe("ok quit");
  });

  it("prints incoming messages with the text escaped onto one line", () => {
    expect(
      scriptedIncomingLine({ seq: 1, from: "bob", content: "hi  there\nsecond \\ line", sentAt: 0 }),
    ).toBe("message bob hi  there\\nsecond \\\\ line");
  });
});
