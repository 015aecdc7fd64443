import {
  ChatError,
  type ChatErrorCodeName,
  chatErrorCodeFromNumber,
  isChatErrorCodeName,
  retryAfterFromText,
} from "@chat/core";
import { fitText } from "./fit-text.js";
import type { ByeFrame, ErrFrame, ErxFrame } from "./frame.js";
import { TEXT_WIDTH } from "./frame-layout.js";

/*
 * The boundary between ChatError and the wire: the only place error frames are made or read.
 */

/** The seed form of an error: `CODE: message`, shortened to fit the 256-byte field. */
export function seedErrorText(error: ChatError): string {
  return fitText(`${error.code}: ${error.message}`, TEXT_WIDTH);
}

/** The frame that answers a failed request: `erx` with structured replies, `err` otherwise. */
export function errorReply(error: ChatError, structured: boolean): ErxFrame | ErrFrame {
  if (structured) return { type: "erx", status: error.status, text: fitText(error.message, TEXT_WIDTH) };
  return { type: "err", text: seedErrorText(error) };
}

/** The frame sent just before the server closes a connection: `bye` with structured replies, `err` otherwise. */
export function goodbye(error: ChatError, structured: boolean): ByeFrame | ErrFrame {
  if (structured) return { type: "bye", status: error.status, text: fitText(error.message, TEXT_WIDTH) };
  return { type: "err", text: seedErrorText(error) };
}

/**
 * The error a frame's code and text make. The frames have no field for a retry hint (seed clients read
 * them unchanged), so a `RESOURCE_EXHAUSTED` text ending in `retry after <N> ms` gives `retryAfterMs`.
 */
function errorOf(code: ChatErrorCodeName, text: string): ChatError {
  const retryAfterMs = code === "RESOURCE_EXHAUSTED" ? retryAfterFromText(text) : undefined;
  return new ChatError(code, text, retryAfterMs === undefined ? undefined : { retryAfterMs });
}

/** Reads a `ChatError` back from an `erx`, `bye` or `err` frame (an unknown status becomes `INTERNAL`). */
export function chatErrorFrom(frame: ErxFrame | ByeFrame | ErrFrame): ChatError {
  if (frame.type === "err") {
    const colon = frame.text.indexOf(": ");
    const name = colon > 0 ? frame.text.slice(0, colon) : "";
    if (isChatErrorCodeName(name)) return errorOf(name, frame.text.slice(colon + 2));
    return new ChatError("INTERNAL", frame.text);
  }
  return errorOf(chatErrorCodeFromNumber(frame.status) ?? "INTERNAL", frame.text);
}
