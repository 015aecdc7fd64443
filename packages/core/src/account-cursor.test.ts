import { describe, expect, it } from "vitest";
import { decodeAccountCursor, encodeAccountCursor } from "./account-cursor.js";

describe("account cursor", () => {
  it("round-trips every valid key", () => {
    for (const key of ["a", "bob", "x.y-z_0", "a".repeat(16)]) {
      expect(decodeAccountCursor(encodeAccountCursor(key))).toBe(key);
    }
  });

  it("rejects anything it did not make with INVALID_ARGUMENT", () => {
    const forged = btoa("a1:../etc").replace(/=+$/, "");
    for (const bad of ["", "!!", "not-a-cursor", forged, btoa("b1:bob"), "a".repeat(200)]) {
      expect(() => decodeAccountCursor(bad)).toThrow(/invalid page cursor/);
    }
  });
});
