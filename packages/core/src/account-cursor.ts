import { ChatError } from "./chat-error.js";
import { USERNAME_MAX_BYTES } from "./rules.js";

/** Version tag inside a cursor, so a later format can be told apart. */
const CURSOR_VERSION = "a1:";
/** What a case-folded username key may contain (ASCII only, so `btoa` can encode it directly). */
const KEY_CHARACTERS = /^[a-z0-9_.-]+$/;
/** What a base64url cursor may contain. */
const CURSOR_CHARACTERS = /^[A-Za-z0-9_-]+$/;

function toBase64Url(ascii: string): string {
  return btoa(ascii).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Encodes the last key of a page as an opaque cursor for the next one. */
export function encodeAccountCursor(lastKey: string): string {
  return toBase64Url(`${CURSOR_VERSION}${lastKey}`);
}

/** Decodes a cursor from {@link encodeAccountCursor}; `INVALID_ARGUMENT` for anything else. */
export function decodeAccountCursor(cursor: string): string {
  const invalid = new ChatError("INVALID_ARGUMENT", "invalid page cursor");
  if (!CURSOR_CHARACTERS.test(cursor) || cursor.length > 64) throw invalid;
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    throw invalid;
  }
  const key = text.slice(CURSOR_VERSION.length);
  if (
    !text.startsWith(CURSOR_VERSION) ||
    key.length === 0 ||
    key.length > USERNAME_MAX_BYTES ||
    !KEY_CHARACTERS.test(key) ||
    encodeAccountCursor(key) !== cursor
  ) {
    throw invalid;
  }
  return key;
}
