import { createHash } from "node:crypto";

/**
 * The digest an idempotent send's receipt keeps of its content (SHA-256, hex): enough to tell a retry
 * (same content) from a client bug that reused an id for another message, without storing the text twice.
 */
export function digestContent(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}
