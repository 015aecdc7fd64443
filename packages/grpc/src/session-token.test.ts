import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import {
  createSessionToken,
  hashSessionToken,
  readBearerToken,
  SESSION_TOKEN_BYTES,
} from "./session-token.js";

describe("session tokens", () => {
  it("are at least 128 random bits, header-safe, and never repeat", () => {
    const tokens = new Set(Array.from({ length: 100 }, () => createSessionToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, "base64url").length).toBe(SESSION_TOKEN_BYTES);
    }
    expect(SESSION_TOKEN_BYTES * 8).toBeGreaterThanOrEqual(128);
  });

  it("are kept only as a SHA-256 digest that differs from the token", () => {
    const token = createSessionToken();
    expect(hashSessionToken(token)).toBe(hashSessionToken(token));
    expect(hashSessionToken(token)).not.toContain(token);
    expect(Buffer.from(hashSessionToken(token), "base64url").length).toBe(32);
  });

  it.each([
    ["Bearer abc", "abc"],
    ["bearer abc", "abc"],
    ["Basic abc", undefined],
    ["Bearer ", undefined],
  ])("reads %j as %j", (header, expected) => {
    const metadata = new Metadata();
    metadata.set("authorization", header);
    expect(readBearerToken(metadata)).toBe(expected);
  });

  it("reads no token from metadata without authorization", () => {
    expect(readBearerToken(new Metadata())).toBeUndefined();
  });
});
