import { ChatError } from "../chat-error.js";

/**
 * The reason every transport gives a client (and a late connection or login) while its server stops:
 * `UNAVAILABLE`, so clients know to retry elsewhere or later.
 */
export function serverShuttingDown(): ChatError {
  return new ChatError("UNAVAILABLE", "the server is shutting down");
}
