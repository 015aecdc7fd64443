import { MAX_COMPACT_FRAME_SIZE, U16_MAX, U32_MAX } from "./compact-layout.js";
import { EncodeError } from "./encode-error.js";
import { writeText, writeU8 } from "./field-codec.js";
import type { Frame } from "./frame.js";
import { type FieldWriter, writeFields } from "./frame-fields.js";
import { FrameCode } from "./frame-layout.js";
import { writeVarint } from "./varint.js";

/** The largest value a one-byte varint holds; longer lengths take two bytes. */
const ONE_BYTE_VARINT_MAX = 0x7f;
/** Values up to this many bytes are moved back by a loop rather than `copyWithin` (see prefixLength). */
const SHORT_MOVE = 32;

/**
 * Writes `length` (below 16,384) as a varint in front of `length` bytes that were written two bytes after
 * `at`, and returns the offset after them. Writing first and moving a short value back by one byte is
 * cheaper than measuring UTF-8 before writing it.
 */
function prefixLength(target: Uint8Array, at: number, length: number): number {
  if (length <= ONE_BYTE_VARINT_MAX) {
    if (length <= SHORT_MOVE) {
      // A short value (a name, an answer frame like `snt`) moves byte by byte: `copyWithin` is a call into
      // the runtime that costs more than such a move (see writeVarint for the figures).
      for (let index = 0; index < length; index++) target[at + 1 + index] = target[at + 2 + index] as number;
    } else target.copyWithin(at + 1, at + 2, at + 2 + length);
    target[at] = length;
    return at + 1 + length;
  }
  target[at] = (length & ONE_BYTE_VARINT_MAX) | 0x80;
  target[at + 1] = length >>> 7;
  return at + 2 + length;
}

/**
 * Writes fields at their own size: a string as `varint length | UTF-8`, an integer wider than a byte as a
 * varint, bytes after their count.
 */
class CompactFieldWriter implements FieldWriter {
  target: Uint8Array = new Uint8Array(0);
  at = 0;

  /** A string as `varint length | UTF-8`, refusing what its fixed field would refuse. */
  text(value: unknown, width: number, field: string): void {
    const at = this.at;
    if (width <= ONE_BYTE_VARINT_MAX) {
      const length = writeText(this.target, at + 1, width, value, field);
      this.target[at] = length;
      this.at = at + 1 + length;
    } else this.at = prefixLength(this.target, at, writeText(this.target, at + 2, width, value, field));
  }

  u8(value: unknown, field: string): void {
    writeU8(this.target, this.at++, value, field);
  }

  u16(value: unknown, field: string): void {
    this.at = writeVarint(this.target, this.at, value, U16_MAX, field);
  }

  u32(value: unknown, field: string): void {
    this.at = writeVarint(this.target, this.at, value, U32_MAX, field);
  }

  u64(value: unknown, field: string): void {
    this.at = writeVarint(this.target, this.at, value, Number.MAX_SAFE_INTEGER, field);
  }

  /** Bytes, not text: a varint count (below 128, so one byte) and the bytes, without padding. */
  bytes(value: Uint8Array): void {
    this.target[this.at++] = value.length;
    this.target.set(value, this.at);
    this.at += value.length;
  }

  /** Compact framing leaves unused slots out. */
  unusedSlot(): void {}
}

/** Reused by every encode (encoding is synchronous). */
const fields = new CompactFieldWriter();

/**
 * Encodes `frame` in compact framing into `target` at `offset` and returns the bytes written. `target` must
 * have {@link MAX_COMPACT_FRAME_SIZE} bytes of room from `offset` (strings are staged at their full width
 * before being measured). Throws {@link EncodeError} for a value its field cannot carry, as the fixed encoder
 * does; bytes of `target` in that room may have been overwritten then.
 */
export function encodeCompactFrameInto(frame: Frame, target: Uint8Array, offset: number): number {
  if (offset < 0 || offset + MAX_COMPACT_FRAME_SIZE > target.length) {
    throw new RangeError(`no room for a compact frame at offset ${offset}`);
  }
  const code = FrameCode[frame.type];
  if (code === undefined) throw new EncodeError(`no frame type ${String(frame.type)}`, "type");
  // The code goes two bytes in, where a two-byte length prefix would end; prefixLength moves it back.
  const start = offset + 2;
  target[start] = code;
  fields.target = target;
  fields.at = start + 1;
  writeFields(frame, fields);
  return prefixLength(target, offset, fields.at - start) - offset;
}

/** Scratch room for {@link encodeCompactFrame}; the result is copied out of it. */
const scratch = new Uint8Array(MAX_COMPACT_FRAME_SIZE);

/** Encodes `frame` in compact framing into a new array of exactly its size. Throws like {@link encodeCompactFrameInto}. */
export function encodeCompactFrame(frame: Frame): Uint8Array {
  return scratch.slice(0, encodeCompactFrameInto(frame, scratch, 0));
}
