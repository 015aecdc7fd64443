import type { ChatError } from "@chat/core";

/**
 * Requests a deserializer let through only to be refused (invalid UTF-8, too large for their call), and
 * the refusal each gets. grpc-js answers a deserializer that throws with `INTERNAL`, so such a request is
 * handed on marked instead: the server's handlers ask {@link refusalOf} before anything else and answer
 * with the refusal (on a `Chat` stream, under the request's id).
 */
const refused = new WeakMap<object, ChatError>();

/** Marks `request` to be answered with `refusal` instead of being handled. */
export function refuseRequest(request: object, refusal: ChatError): void {
  refused.set(request, refusal);
}

/** The refusal a request must get instead of being handled, or `undefined` when it is fine. */
export function refusalOf(request: unknown): ChatError | undefined {
  return typeof request === "object" && request !== null ? refused.get(request) : undefined;
}
