import { ChatError } from "../chat-error.js";
import type { LogFields, ServerLogger } from "../server-logger.js";

/**
 * A failed request as the client will hear it: any error becomes a `ChatError` (an unexpected one becomes
 * `INTERNAL` with a generic message, see `ChatError.from`). `INTERNAL` is a bug, not the client's fault, so
 * it alone is logged, with the real cause, as an error; every other code is the client's own affair.
 */
export function reportFailure(
  error: unknown,
  logger: ServerLogger,
  fields: LogFields,
  message: string,
): ChatError {
  const chatError = ChatError.from(error);
  if (chatError.code === "INTERNAL") {
    const cause = chatError.cause ?? chatError;
    logger.error({ ...fields, error: cause instanceof Error ? cause.message : String(cause) }, message);
  }
  return chatError;
}
