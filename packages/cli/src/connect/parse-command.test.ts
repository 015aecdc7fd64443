import { describe, expect, it } from "vitest";
import { parseCommand } from "./parse-command.js";

describe("parseCommand", () => {
  it("parses every command with its arguments", () => {
    expect(parseCommand("register alice secret12")).toEqual({
      kind: "command",
      command: { name: "register", username: "alice", password: "secret12" },
    });
    expect(parseCommand("login bob pw")).toEqual({
      kind: "command",
      command: { name: "login", username: "bob", password: "pw" },
    });
    for (const name of ["logout", "deleteacc", "accdump", "help", "quit"]) {
      expect(parseCommand(name)).toEqual({ kind: "command", command: { name } });
    }
    expect(parseCommand("accfilter a*")).toEqual({
      kind: "command",
      command: { name: "accfilter", pattern: "a*" },
    });
  });

  it("takes the rest of the line as the message, inner spacing kept", () => {
    expect(parseCommand("message bob  hello   there  ")).toEqual({
      kind: "command",
      command: { name: "message", to: "bob", content: "hello   there  " },
    });
    expect(parseCommand("message\tbob\tx")).toEqual({
      kind: "command",
      command: { name: "message", to: "bob", content: "x" },
    });
  });

  it("ignores surrounding whitespace, a trailing CR and the case of the command word", () => {
    expect(parseCommand("  LOGOUT \r")).toEqual({ kind: "command", command: { name: "logout" } });
  });

  it("reports a blank line as empty", () => {
    expect(parseCommand("")).toEqual({ kind: "empty" });
    expect(parseCommand(" \t ")).toEqual({ kind: "empty" });
  });

  it("reports the wrong number of arguments as that command's usage", () => {
    expect(parseCommand("register alice")).toEqual({ kind: "usage", name: "register" });
    expect(parseCommand("login a b c")).toEqual({ kind: "usage", name: "login" });
    expect(parseCommand("message bob")).toEqual({ kind: "usage", name: "message" });
    expect(parseCommand("message")).toEqual({ kind: "usage", name: "message" });
    expect(parseCommand("accfilter")).toEqual({ kind: "usage", name: "accfilter" });
    expect(parseCommand("logout now")).toEqual({ kind: "usage", name: "logout" });
  });

  it("reports an unknown word as unknown, as typed", () => {
    expect(parseCommand("Frobnicate x")).toEqual({ kind: "unknown", name: "Frobnicate" });
  });

  it("leaves judging names, passwords and messages to the server", () => {
    expect(parseCommand("register ü!@ x")).toEqual({
      kind: "command",
      command: { name: "register", username: "ü!@", password: "x" },
    });
  });
});
