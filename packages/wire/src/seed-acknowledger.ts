import type { ChatConnection, ServerLogger } from "@chat/core";
import { AckCoalescer } from "@chat/core/adapter";

/**
 * Acknowledges messages on behalf of a client that cannot (a seed client, or one without sequenced
 * delivery): a message counts as delivered once its `nms` bytes have been handed to the operating system.
 * The adapter kit's `AckCoalescer` keeps it to one store call at a time, tied to the session the write
 * belongs to, so a late write callback never acknowledges another account's messages after a re-login.
 */
export function createSeedAcknowledger(
  chat: ChatConnection,
  log: ServerLogger,
  connectionId: number,
): AckCoalescer {
  return new AckCoalescer({
    send: (upToSeq) => chat.ack(upToSeq),
    canSend: () => chat.username !== undefined,
    onError: (error) =>
      log.debug(
        { connection: connectionId, error: error instanceof Error ? error.message : String(error) },
        "acknowledging a written message failed",
      ),
  });
}
