import { writeText, writeU8, writeU16, writeU32, writeU64 } from "./field-codec.js";
import type { Frame } from "./frame.js";
import { type FieldWriter, writeFields } from "./frame-fields.js";
import { CODE_OFFSET, CODE_WIDTH, FRAME_SIZES, FrameCode, U8_WIDTH } from "./frame-layout.js";

/**
 * Writes fields in the fixed layout: each at its full width right after the one before, strings NUL-padded,
 * integers big-endian, so every field lands at its offset in frame-layout.ts.
 */
class FixedFieldWriter implements FieldWriter {
  target: Uint8Array = new Uint8Array(0);
  at = 0;

  text(value: unknown, width: number, field: string): void {
    writeText(this.target, this.at, width, value, field);
    this.at += width;
  }

  u8(value: unknown, field: string): void {
    this.at = writeU8(this.target, this.at, value, field);
  }

  u16(value: unknown, field: string): void {
    this.at = writeU16(this.target, this.at, value, field);
  }

  u32(value: unknown, field: string): void {
    this.at = writeU32(this.target, this.at, value, field);
  }

  u64(value: unknown, field: string): void {
    this.at = writeU64(this.target, this.at, value, field);
  }

  /** A length byte, then the bytes NUL-padded to `width`. */
  bytes(value: Uint8Array, width: number): void {
    this.target[this.at] = value.length;
    this.target.set(value, this.at + U8_WIDTH);
    this.target.fill(0, this.at + U8_WIDTH + value.length, this.at + U8_WIDTH + width);
    this.at += U8_WIDTH + width;
  }

  unusedSlot(width: number): void {
    this.target.fill(0, this.at, this.at + width);
    this.at += width;
  }
}

/** Reused by every encode (encoding is synchronous). */
const fields = new FixedFieldWriter();

/**
 * Encodes `frame` into `target` at `offset` and returns the number of bytes written (its fixed size).
 * Throws {@link EncodeError} for a value that does not fit its field; nothing is ever cut. On error, bytes
 * of `target` within the frame's extent may have been overwritten.
 */
export function encodeFrameInto(frame: Frame, target: Uint8Array, offset: number): number {
  const size = FRAME_SIZES[frame.type];
  if (offset < 0 || offset + size > target.length) {
    throw new RangeError(`no room for a ${size}-byte ${frame.type} frame at offset ${offset}`);
  }
  target[offset + CODE_OFFSET] = FrameCode[frame.type];
  fields.target = target;
  fields.at = offset + CODE_WIDTH;
  writeFields(frame, fields);
  return size;
}

/** Encodes `frame` into a new array of exactly its size. Throws {@link EncodeError} like {@link encodeFrameInto}. */
export function encodeFrame(frame: Frame): Uint8Array {
  const bytes = new Uint8Array(FRAME_SIZES[frame.type]);
  encodeFrameInto(frame, bytes, 0);
  return bytes;
}
