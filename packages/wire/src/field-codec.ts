import { isWellFormedUtf16, utf8ByteLength } from "@chat/core";
import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";

/*
 * Reading and writing single fields. Strings are NUL-padded UTF-8 in a fixed-width field; integers are
 * unsigned big-endian. Writers throw EncodeError for a value that does not fit; readers throw a non-fatal
 * DecodeError naming the field (the frame's size is known, so the stream stays in sync).
 */

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const TWO_TO_32 = 2 ** 32;

/** Strings up to this many UTF-16 units are copied by hand; longer ones go through the native encoder. */
const SHORT_TEXT = 32;

/** The engine's own well-formedness check where it has one (Node 20+), else core's. */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

function wellFormed(value: string): boolean {
  return nativeIsWellFormed ? nativeIsWellFormed.call(value) : isWellFormedUtf16(value);
}

/** Writes `value` NUL-padded into `width` bytes at `offset`. */
export function writeText(
  target: Uint8Array,
  offset: number,
  width: number,
  value: unknown,
  field: string,
): void {
  if (typeof value !== "string") throw new EncodeError(`${field} must be a string`, field);
  const length = value.length;
  if (length <= SHORT_TEXT && length <= width) {
    // Short ASCII without NUL (names, the common case): no encoder call, no view allocated.
    let index = 0;
    for (; index < length; index++) {
      const unit = value.charCodeAt(index);
      if (unit === 0 || unit >= 0x80) break;
      target[offset + index] = unit;
    }
    if (index === length) {
      target.fill(0, offset + length, offset + width);
      return;
    }
  }
  if (value.includes("\0")) {
    throw new EncodeError(`${field} must not contain NUL (it pads the field)`, field);
  }
  if (!wellFormed(value)) throw new EncodeError(`${field} is not valid Unicode (lone surrogate)`, field);
  const { read, written } = utf8Encoder.encodeInto(value, target.subarray(offset, offset + width));
  if (read < length) {
    const bytes = utf8ByteLength(value);
    throw new EncodeError(`${field} is ${bytes} bytes of UTF-8; its field holds ${width}`, field);
  }
  target.fill(0, offset + written, offset + width);
}

/** Reads a NUL-padded string: trailing NULs are stripped; a NUL before the end or bad UTF-8 is refused. */
export function readText(
  source: Uint8Array,
  offset: number,
  width: number,
  code: number,
  field: string,
): string {
  const limit = offset + width;
  // The value ends at the first NUL; everything after it must be padding. The search is bounded to the
  // field, so a chunk without NULs never makes every field scan to the chunk's end.
  let end: number;
  if (width <= SHORT_TEXT) {
    end = offset;
    while (end < limit && source[end] !== 0) end++;
  } else {
    const at = source.subarray(offset, limit).indexOf(0);
    end = at < 0 ? limit : offset + at;
  }
  for (let index = end + 1; index < limit; index++) {
    if (source[index] !== 0) {
      throw new DecodeError(
        `frame code ${code}: field ${field} has a NUL inside its value`,
        false,
        code,
        field,
      );
    }
  }
  if (end - offset <= SHORT_TEXT) {
    // Short ASCII (names, the common case): building the string directly beats a decoder call.
    let text = "";
    let index = offset;
    for (; index < end; index++) {
      const byte = source[index] as number;
      if (byte >= 0x80) break;
      text += String.fromCharCode(byte);
    }
    if (index === end) return text;
  }
  try {
    return utf8Decoder.decode(source.subarray(offset, end));
  } catch {
    throw new DecodeError(`frame code ${code}: field ${field} is not valid UTF-8`, false, code, field);
  }
}

function requireInteger(value: unknown, max: number, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new EncodeError(`${field} must be a whole number from 0 to ${max}`, field);
  }
  return value;
}

/** Writes an unsigned byte. */
export function writeU8(target: Uint8Array, offset: number, value: unknown, field: string): void {
  target[offset] = requireInteger(value, 0xff, field);
}

/** Writes an unsigned big-endian 16-bit integer. */
export function writeU16(target: Uint8Array, offset: number, value: unknown, field: string): void {
  const number = requireInteger(value, 0xffff, field);
  target[offset] = number >>> 8;
  target[offset + 1] = number & 0xff;
}

/** Writes an unsigned big-endian 32-bit integer. */
export function writeU32(target: Uint8Array, offset: number, value: unknown, field: string): void {
  const number = requireInteger(value, 0xffffffff, field);
  target[offset] = number >>> 24;
  target[offset + 1] = (number >>> 16) & 0xff;
  target[offset + 2] = (number >>> 8) & 0xff;
  target[offset + 3] = number & 0xff;
}

/** Writes an unsigned big-endian 64-bit integer; only safe integers (up to 2^53 − 1) are accepted. */
export function writeU64(target: Uint8Array, offset: number, value: unknown, field: string): void {
  const number = requireInteger(value, Number.MAX_SAFE_INTEGER, field);
  writeU32(target, offset, Math.floor(number / TWO_TO_32), field);
  writeU32(target, offset + 4, number % TWO_TO_32, field);
}

/** Reads an unsigned byte. */
export function readU8(source: Uint8Array, offset: number): number {
  return source[offset] as number;
}

/** Reads an unsigned big-endian 16-bit integer. */
export function readU16(source: Uint8Array, offset: number): number {
  return ((source[offset] as number) << 8) | (source[offset + 1] as number);
}

/** Reads an unsigned big-endian 32-bit integer. */
export function readU32(source: Uint8Array, offset: number): number {
  return (
    (source[offset] as number) * 0x1000000 +
    (((source[offset + 1] as number) << 16) |
      ((source[offset + 2] as number) << 8) |
      (source[offset + 3] as number))
  );
}

/** Reads an unsigned big-endian 64-bit integer; one above 2^53 − 1 is refused (it has no exact number). */
export function readU64(source: Uint8Array, offset: number, code: number, field: string): number {
  const high = readU32(source, offset);
  const value = high * TWO_TO_32 + readU32(source, offset + 4);
  if (high > 0x1fffff) {
    throw new DecodeError(`frame code ${code}: field ${field} is above 2^53 - 1`, false, code, field);
  }
  return value;
}
