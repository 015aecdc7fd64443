import { hash } from "node:crypto";
import { randomBytes } from "@chat/core";
import type { Metadata } from "@grpc/grpc-js";

/** Bytes of randomness in a session token: 256 bits, well above the 128 bits an attacker cannot guess. */
export const SESSION_TOKEN_BYTES = 32;

/** The metadata key that carries the token, as `Bearer <token>`. */
export const AUTHORIZATION_KEY = "authorization";

/** `Bearer <token>`; the scheme name is case-insensitive (RFC 6750 via RFC 7235). Fixed, never built from input. */
const BEARER = /^bearer +([^\s]+) *$/i;

/** A fresh session token: base64url, so it fits in a header without escaping. */
export function createSessionToken(): string {
  return Buffer.from(randomBytes(SESSION_TOKEN_BYTES)).toString("base64url");
}

/**
 * The digest the server keeps instead of the token: a leaked session table (a heap dump, a debugger)
 * reveals no usable tokens. SHA-256 suffices because the token is random, not a password.
 */
export function hashSessionToken(token: string): string {
  // One-shot `crypto.hash` (Node ≥ 20.12): the same digest as `createHash`, without a Hash object per call.
  return hash("sha256", token, "base64url");
}

/** The token of `authorization: Bearer <token>` metadata, or `undefined` when absent or malformed. */
export function readBearerToken(metadata: Metadata): string | undefined {
  const values = metadata.get(AUTHORIZATION_KEY);
  if (values.length !== 1) return undefined;
  const value = values[0];
  if (typeof value !== "string") return undefined;
  return BEARER.exec(value)?.[1];
}
