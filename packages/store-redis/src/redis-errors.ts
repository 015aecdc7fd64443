import { ChatError } from "@chat/core";
import { ErrorReply } from "redis";

/**
 * Error replies that mean "Redis cannot serve this right now" rather than "this request is wrong": loading
 * its AOF after a restart, a cluster that lost a slot, a refused write after a failed fsync, a replica.
 */
const UNAVAILABLE_REPLY_PREFIXES = [
  "LOADING",
  "CLUSTERDOWN",
  "TRYAGAIN",
  "MISCONF",
  "READONLY",
  "MASTERDOWN",
];

/**
 * Turns whatever a Redis call threw into the one error type of the chat system. Connection trouble of any
 * kind (offline, refused, timed out, closed mid-command) is `UNAVAILABLE`: the client may retry, and a send
 * answered this way may or may not have been stored (at-least-once, never a silent loss). A full Redis under
 * `noeviction` is `RESOURCE_EXHAUSTED`. Any other error reply is a bug and stays `INTERNAL`.
 */
export function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  if (error instanceof ErrorReply) {
    const message = error.message;
    if (message.startsWith("OOM")) {
      return new ChatError("RESOURCE_EXHAUSTED", "the message store is full", { cause: error });
    }
    if (UNAVAILABLE_REPLY_PREFIXES.some((prefix) => message.startsWith(prefix))) {
      return new ChatError("UNAVAILABLE", "the message store is unavailable", { cause: error });
    }
    return new ChatError("INTERNAL", "internal server error", { cause: error });
  }
  return new ChatError("UNAVAILABLE", "the message store is unavailable", { cause: error });
}
