import { describe, expect, it } from "vitest";
import { createScryptHasher } from "./node-crypto.js";
import { TEST_SCRYPT_PARAMETERS } from "./testing/test-hashing.js";

describe("scrypt password hasher", () => {
  const hasher = createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS });

  it("stores parameters and a fresh 16-byte salt with each hash, never the password", async () => {
    const first = await hasher.hash("correct horse");
    const second = await hasher.hash("correct horse");
    expect(first).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("correct horse");
  });

  it("verifies the right password only", async () => {
    const stored = await hasher.hash("correct horse");
    expect(await hasher.verify("correct horse", stored)).toEqual({ ok: true, needsRehash: false });
    expect((await hasher.verify("correct hors", stored)).ok).toBe(false);
    expect(await hasher.verifyNothing("anything")).toBe(false);
  });

  it("flags hashes made with weaker parameters for rehashing", async () => {
    const weak = await createScryptHasher({ parameters: { logN: 8, r: 8, p: 1 } }).hash("pw-pw-pw");
    expect(await hasher.verify("pw-pw-pw", weak)).toEqual({ ok: true, needsRehash: true });
  });

  it("runs the production cost (N = 2^17) within raised memory limits", async () => {
    const strong = createScryptHasher();
    const stored = await strong.hash("production cost");
    expect(stored.startsWith("$scrypt$ln=17,r=8,p=1$")).toBe(true);
    expect((await strong.verify("production cost", stored)).ok).toBe(true);
  });

  it("refuses a stored value that is not a scrypt hash", async () => {
    await expect(hasher.verify("x", "plaintext")).rejects.toThrow(/scrypt format/);
  });
});
