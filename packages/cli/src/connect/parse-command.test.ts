import { describe, expect, it } from "vitest";
import { parseCommand, passwordlessCommand, withoutPassword } from "./parse-command.js";

describe("parseCommand", () => {
  // What each line parses to; the message rows take the rest of the line, inner spacing kept.
  it.each<[line: string, command: Record<string, string>]>([
    ["register alice secret12", { name: "register", username: "alice", password: "secret12" }],
    ["login bob pw", { name: "login", username: "bob", password: "pw" }],
    ["logout", { name: "logout" }],
    ["deleteacc", { name: "deleteacc" }],
    ["accdump", { name: "accdump" }],
    ["help", { name: "help" }],
    ["quit", { name: "quit" }],
    ["accfilter a*", { name: "accfilter", pattern: "a*" }],
    ["message bob  hello   there  ", { name: "message", to: "bob", content: "hello   there  " }],
    ["message\tbob\tx", { name: "message", to: "bob", content: "x" }],
  ])("parses %j as its command with its arguments", (line, command) => {
    expect(parseCommand(line)).toEqual({ kind: "command", command });
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

describe("help topics, aliases and passwords", () => {
  it("takes one command (or alias) as the topic of help", () => {
    expect(parseCommand("help login")).toEqual({
      kind: "command",
      command: { name: "help", topic: "login" },
    });
    expect(parseCommand("HELP Exit")).toEqual({ kind: "command", command: { name: "help", topic: "quit" } });
    expect(parseCommand("help frobnicate")).toEqual({ kind: "usage", name: "help" });
    expect(parseCommand("help login logout")).toEqual({ kind: "usage", name: "help" });
  });

  it("runs exit as quit", () => {
    expect(parseCommand("exit")).toEqual({ kind: "command", command: { name: "quit" } });
    expect(parseCommand("exit now")).toEqual({ kind: "usage", name: "quit" });
  });

  it("recognises login and register without a password, which the terminal prompt asks for", () => {
    expect(passwordlessCommand(" login alice ")).toEqual({ name: "login", username: "alice" });
    expect(passwordlessCommand("REGISTER bob")).toEqual({ name: "register", username: "bob" });
    expect(passwordlessCommand("login alice pw")).toBeUndefined();
    expect(passwordlessCommand("login")).toBeUndefined();
    expect(passwordlessCommand("message alice")).toBeUndefined();
  });

  it("keeps passwords out of the history line", () => {
    expect(withoutPassword("login alice correct-horse")).toBe("login alice");
    expect(withoutPassword("  Register\tbob  battery ")).toBe("Register bob");
    expect(withoutPassword("message bob login alice secret")).toBe("message bob login alice secret");
    expect(withoutPassword("login alice")).toBe("login alice");
  });
});
