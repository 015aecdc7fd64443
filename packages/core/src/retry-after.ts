import { ChatError } from "./chat-error.js";

/*
 * How a "not now, later" refusal is written, so that every transport carries it the same way: a
 * `RESOURCE_EXHAUSTED` `ChatError` with `retryAfterMs`, whose message ends in `retry after <N> ms`. The
 * wire protocol's error frames have no field for it (and seed clients must keep reading them unchanged),
 * so the text carries it there; `retryAfterFromText` reads it back. gRPC also sends it as trailer metadata.
 */

/** The text that ends the message of every refusal with a retry hint: `retry after <N> ms`. */
const RETRY_AFTER_TEXT = /retry after (\d{1,9}) ms\)?$/;

/** Shortest retry hint given, in milliseconds: a hint of 0 would invite an immediate, useless retry. */
export const MIN_RETRY_AFTER_MS = 1;

/**
 * A `RESOURCE_EXHAUSTED` refusal that passes on its own after `retryAfterMs` (rounded up to a whole
 * millisecond, at least {@link MIN_RETRY_AFTER_MS}). `what` says what was refused, for a person.
 */
export function retryLater(what: string, retryAfterMs: number): ChatError {
  const wait = Math.max(MIN_RETRY_AFTER_MS, Math.ceil(retryAfterMs));
  return new ChatError("RESOURCE_EXHAUSTED", `${what}; retry after ${wait} ms`, { retryAfterMs: wait });
}

/** The retry hint at the end of a refusal's text (`retry after <N> ms`), or `undefined` when it has none. */
export function retryAfterFromText(text: string): number | undefined {
  const match = RETRY_AFTER_TEXT.exec(text);
  return match ? Number(match[1]) : undefined;
}
