import { ChatError, type ChatErrorCodeName, chatErrorCodeFromNumber, retryAfterFromText } from "@chat/core";
import { Metadata, type ServiceError, type StatusObject, status } from "@grpc/grpc-js";

/**
 * The trailer that carries a refusal's retry hint (`ChatError.retryAfterMs`), in whole milliseconds, next
 * to the status; the details end in `retry after <N> ms` as well, for tools that show only those (and on
 * the `Chat` stream, whose `ChatFailure` has only a code and a message).
 */
export const RETRY_AFTER_METADATA_KEY = "retry-after-ms";

/** A gRPC status ready to hand to grpc-js: the code plus the human message as details. */
export interface GrpcStatus {
  readonly code: StatusObject["code"];
  readonly details: string;
  readonly metadata?: Metadata;
}

/**
 * Converts anything thrown by a handler into a gRPC status. `ChatError` numbers equal gRPC status codes, so
 * the code maps one-to-one and the message travels as the status details; anything else becomes
 * `INTERNAL` with a generic message (see `ChatError.from`), so internals never reach a client.
 */
export function toGrpcStatus(error: unknown): GrpcStatus {
  const chatError = ChatError.from(error);
  if (chatError.retryAfterMs === undefined) return { code: chatError.status, details: chatError.message };
  const metadata = new Metadata();
  metadata.set(RETRY_AFTER_METADATA_KEY, String(chatError.retryAfterMs));
  return { code: chatError.status, details: chatError.message, metadata };
}

/** The retry hint of a failed call: its trailer, or else the end of its details. */
function retryAfterOf(error: Pick<ServiceError, "details"> & { metadata?: Metadata }): number | undefined {
  const value = error.metadata?.get(RETRY_AFTER_METADATA_KEY)[0];
  const fromTrailer = typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
  return fromTrailer ?? (error.details ? retryAfterFromText(error.details) : undefined);
}

/** Statuses outside the chat's closed set, as a client should understand them. */
const TRANSPORT_CODES: ReadonlyMap<number, ChatErrorCodeName> = new Map<number, ChatErrorCodeName>([
  // The call never completed: the server is gone, unreachable, or too slow. Retrying may help.
  [status.CANCELLED, "UNAVAILABLE"],
  [status.DEADLINE_EXCEEDED, "UNAVAILABLE"],
  [status.ABORTED, "UNAVAILABLE"],
]);

/**
 * Converts a failed call's status back into a `ChatError` with the same code and the server's message (and,
 * for `RESOURCE_EXHAUSTED`, its retry hint).
 * Codes outside the closed set (which only grpc-js itself produces) become `UNAVAILABLE` when the call
 * never completed, otherwise `INTERNAL`.
 */
export function fromGrpcStatus(
  error: Pick<ServiceError, "code" | "details"> & { metadata?: Metadata },
): ChatError {
  const code = chatErrorCodeFromNumber(error.code) ?? TRANSPORT_CODES.get(error.code) ?? "INTERNAL";
  const details = error.details || status[error.code] || "unknown gRPC status";
  const retryAfterMs = code === "RESOURCE_EXHAUSTED" ? retryAfterOf(error) : undefined;
  return new ChatError(code, details, {
    cause: error,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
