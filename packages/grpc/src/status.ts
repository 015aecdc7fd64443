import { ChatError, type ChatErrorCodeName, chatErrorCodeFromNumber } from "@chat/core";
import { type Metadata, type ServiceError, type StatusObject, status } from "@grpc/grpc-js";

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
  return { code: chatError.status, details: chatError.message };
}

/** Statuses outside the chat's closed set, as a client should understand them. */
const TRANSPORT_CODES: ReadonlyMap<number, ChatErrorCodeName> = new Map<number, ChatErrorCodeName>([
  // The call never completed: the server is gone, unreachable, or too slow. Retrying may help.
  [status.CANCELLED, "UNAVAILABLE"],
  [status.DEADLINE_EXCEEDED, "UNAVAILABLE"],
  [status.ABORTED, "UNAVAILABLE"],
]);

/**
 * Converts a failed call's status back into a `ChatError` with the same code and the server's message.
 * Codes outside the closed set (which only grpc-js itself produces) become `UNAVAILABLE` when the call
 * never completed, otherwise `INTERNAL`.
 */
export function fromGrpcStatus(error: Pick<ServiceError, "code" | "details">): ChatError {
  const code = chatErrorCodeFromNumber(error.code) ?? TRANSPORT_CODES.get(error.code) ?? "INTERNAL";
  const details = error.details || status[error.code] || "unknown gRPC status";
  return new ChatError(code, details, { cause: error });
}
