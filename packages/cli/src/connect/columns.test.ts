import { describe, expect, it } from "vitest";
import { formatColumns } from "./columns.js";

describe("formatColumns", () => {
  it("fills columns top to bottom within the width, like ls", () => {
    const names = ["alice", "bob", "carol", "dave", "eve"];
    // Cells are 7 wide ("carol" + 2); 2 + 3 * 7 - 2 = 21 fits in 22, a fourth column would not.
    expect(formatColumns(names, 22).split("\n")).toEqual(["  alice  carol  eve", "  bob    dave"]);
    expect(formatColumns(names, 20).split("\n")).toEqual(["  alice  dave", "  bob    eve", "  carol"]);
    expect(formatColumns(names, 80)).toBe("  alice  bob    carol  dave   eve");
  });

  it("puts each word on its own line when two columns do not fit, and nothing for no words", () => {
    expect(formatColumns(["alice", "bob"], 8)).toBe("  alice\n  bob");
    expect(formatColumns([], 80)).toBe("");
  });
});
