/*
 * Compact framing (feature bit `compactFrames`), switched on for both directions right after the `hel`/`hey`
 * exchange that enabled it. Every frame then is
 *
 *   length varint | code B | the frame's fields, in the fixed layout's order
 *
 * where `length` counts the code and the fields (not itself), a string is `varint byte-length | UTF-8`
 * (no padding), an integer wider than one byte (`>H`, `>I`, `>Q`) is a varint, a one-byte field stays one
 * byte, and `lsn` carries only its `count` names. Varints are unsigned LEB128 (varint.ts). The value rules
 * are the fixed layout's: the same widths bound the strings, the same ranges the numbers, so any frame one
 * framing carries the other carries too. docs/wire-protocol.md has the golden vectors.
 */

/** Which framing a connection's frames use: the fixed-width layout, or compact after it was negotiated. */
export type Framing = "fixed" | "compact";

/** The largest value of a `>H` field, which compact framing carries as a varint of at most this. */
export const U16_MAX = 0xffff;
/** The largest value of a `>I` field, likewise. */
export const U32_MAX = 0xffffffff;

/** Bytes of the length prefix at most: a two-byte varint holds up to 16,383. */
export const COMPACT_LENGTH_MAX_BYTES = 2;

/**
 * The most a compact frame's length (code and fields) may be. Above the largest frame (a `dlv` with a full
 * 512-byte content and the largest numbers: 548 bytes) with room for frames to come; a length above it
 * means the stream is not compact frames, so the reader stops there instead of buffering it.
 */
export const COMPACT_MAX_FRAME_LENGTH = 1024;

/** The largest compact frame, prefix included: what a reader holds at most of one partial frame. */
export const MAX_COMPACT_FRAME_SIZE = COMPACT_LENGTH_MAX_BYTES + COMPACT_MAX_FRAME_LENGTH;
