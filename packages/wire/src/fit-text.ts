import { utf8ByteLength } from "@chat/core";

/** What ends a text that had to be shortened. */
const ELLIPSIS = "…";

/**
 * Shortens `text` to at most `maxBytes` bytes of UTF-8 at a character boundary, ending it with `…` when it
 * was cut. For reply texts the server writes into fixed fields (the encoder itself never cuts anything).
 */
export function fitText(text: string, maxBytes: number): string {
  if (utf8ByteLength(text) <= maxBytes) return text;
  const budget = maxBytes - utf8ByteLength(ELLIPSIS);
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8ByteLength(char);
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end) + ELLIPSIS;
}
