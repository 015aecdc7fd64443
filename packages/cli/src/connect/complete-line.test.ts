import { describe, expect, it } from "vitest";
import { completeLine } from "./complete-line.js";

describe("tab completion", () => {
  it("completes the first word to commands and aliases, with the trailing space", () => {
    expect(completeLine("del")).toEqual([["deleteacc "], "del"]);
    expect(completeLine("LO")).toEqual([["login ", "logout "], "LO"]);
    expect(completeLine("ex")).toEqual([["exit "], "ex"]);
  });

  it("completes the recipient of message to known usernames, ignoring case", () => {
    const known = ["bob", "Bea", "alice", "bob"];
    expect(completeLine("message b", known)).toEqual([["Bea ", "bob "], "b"]);
    expect(completeLine("message al", known)).toEqual([["alice "], "al"]);
    // Past the recipient is the message itself: nothing to complete.
    expect(completeLine("message bob he", known)).toEqual([[], "message bob he"]);
  });

  it("completes the topic of help to a command, and nothing after other commands", () => {
    expect(completeLine("help acc")).toEqual([["accdump ", "accfilter "], "acc"]);
    expect(completeLine("login al", ["alice"])[0]).toEqual([]);
  });
});
