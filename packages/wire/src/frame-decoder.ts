import { DecodeError } from "./decode-error.js";
import { readText, readU16, readU32, readU64 } from "./field-codec.js";
import type { Frame } from "./frame.js";
import { badField, type FieldReader, readFields } from "./frame-fields.js";
import {
  CODE_OFFSET,
  CODE_WIDTH,
  FRAME_SIZES,
  frameTypeOf,
  U8_WIDTH,
  U16_WIDTH,
  U32_WIDTH,
  U64_WIDTH,
} from "./frame-layout.js";

/** Reads fields in the fixed layout, the inverse of frame-encoder.ts's writer; the frame's size is known. */
class FixedFieldReader implements FieldReader {
  source: Uint8Array = new Uint8Array(0);
  at = 0;
  code = 0;

  text(width: number, field: string): string {
    const value = readText(this.source, this.at, width, this.code, field);
    this.at += width;
    return value;
  }

  u8(): number {
    const value = this.source[this.at] as number;
    this.at += U8_WIDTH;
    return value;
  }

  u16(): number {
    const value = readU16(this.source, this.at);
    this.at += U16_WIDTH;
    return value;
  }

  u32(): number {
    const value = readU32(this.source, this.at);
    this.at += U32_WIDTH;
    return value;
  }

  u64(field: string): number {
    const value = readU64(this.source, this.at, this.code, field);
    this.at += U64_WIDTH;
    return value;
  }

  /** A length byte, then `max` bytes of which those past the length must be zero. */
  bytes(min: number, max: number, field: string): Uint8Array {
    const length = this.source[this.at] as number;
    if (length < min || length > max) throw badField(this.code, field, `length must be ${min}-${max}`);
    const start = this.at + U8_WIDTH;
    for (let byte = start + length; byte < start + max; byte++) {
      if (this.source[byte] !== 0) throw badField(this.code, field, "must be zero past its length");
    }
    this.at = start + max;
    // A plain copy, not a view: the frame outlives the socket's buffer it was read from.
    return new Uint8Array(this.source.subarray(start, start + length));
  }

  unusedSlot(width: number, field: string): void {
    for (let byte = this.at; byte < this.at + width; byte++) {
      if (this.source[byte] !== 0) throw badField(this.code, field, "must be empty past count");
    }
    this.at += width;
  }
}

/** Reused by every decode (decoding is synchronous). */
const fields = new FixedFieldReader();

/**
 * Decodes the one frame that starts at `offset` of `source`. Throws a fatal {@link DecodeError} for an
 * unknown code or too few bytes, and a non-fatal one naming the field when a field is invalid.
 */
export function decodeFrame(source: Uint8Array, offset = 0): Frame {
  const code = source[offset + CODE_OFFSET];
  if (code === undefined) throw new DecodeError("no bytes to decode", true, undefined);
  const type = frameTypeOf(code);
  if (type === undefined) throw new DecodeError(`unknown message code ${code}`, true, code);
  if (source.length - offset < FRAME_SIZES[type]) {
    throw new DecodeError(`frame code ${code} is truncated`, true, code);
  }
  fields.source = source;
  fields.at = offset + CODE_WIDTH;
  fields.code = code;
  return readFields(type, code, fields);
}
