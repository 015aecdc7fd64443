import { isWellFormedUtf16, utf8ByteLength } from "@chat/core";
import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";
import { U8_WIDTH, U16_WIDTH, U32_WIDTH, U64_WIDTH } from "./frame-layout.js";

/*
 * Reading and writing single fields. Strings are NUL-padded UTF-8 in a fixed-width field; integers are
 * unsigned big-endian. Writers throw EncodeError for a value that does not fit; readers throw a non-fatal
 * DecodeError naming the field (the frame's size is known, so the stream stays in sync).
 */

const TWO_TO_32 = 2 ** 32;

/** Fields up to this many bytes are scanned byte by byte; longer ones are searched with `indexOf`. */
const SHORT_TEXT = 32;

/**
 * The platform's UTF-8 routines (WHATWG Encoding, in every runtime): `fatal` makes bad bytes an error
 * instead of U+FFFD, and `ignoreBOM` keeps a leading U+FEFF as content instead of eating it.
 */
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Reused argument list for {@link asciiText}, so decoding a short name allocates only the string. */
const asciiCodes: number[] = [];

/** Bytes `start` to `end` of `source`, all below 0x80, as a string. */
function asciiText(source: Uint8Array, start: number, end: number): string {
  const length = end - start;
  asciiCodes.length = length;
  for (let index = 0; index < length; index++) asciiCodes[index] = source[start + index] as number;
  return String.fromCharCode.apply(null, asciiCodes);
}

/** Writes `value` NUL-padded into `width` bytes at `offset`; returns the value's own length in bytes. */
export function writeText(
  target: Uint8Array,
  offset: number,
  width: number,
  value: unknown,
  field: string,
): number {
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
      return length;
    }
  }
  if (value.includes("\0")) {
    throw new EncodeError(`${field} must not contain NUL (it pads the field)`, field);
  }
  if (!isWellFormedUtf16(value))
    throw new EncodeError(`${field} is not valid Unicode (lone surrogate)`, field);
  // Every UTF-16 unit takes at least one byte, so a longer string cannot fit.
  if (length > width) throw tooLong(value, width, field);
  // The encoder stops before a character that does not fit, so it read the whole string only if it fitted.
  const { read, written } = utf8Encoder.encodeInto(value, target.subarray(offset, offset + width));
  if (read < length) throw tooLong(value, width, field);
  target.fill(0, offset + written, offset + width);
  return written;
}

function tooLong(value: string, width: number, field: string): EncodeError {
  const bytes = utf8ByteLength(value);
  return new EncodeError(`${field} is ${bytes} bytes of UTF-8; its field holds ${width}`, field);
}

function nulInside(code: number, field: string): DecodeError {
  return new DecodeError(`frame code ${code}: field ${field} has a NUL inside its value`, false, code, field);
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
  if (width <= SHORT_TEXT) {
    // Short fields (names, the common case): one pass finds the end and whether it is all ASCII.
    let end = offset;
    let ascii = true;
    for (; end < limit; end++) {
      const byte = source[end] as number;
      if (byte === 0) break;
      if (byte >= 0x80) ascii = false;
    }
    for (let index = end + 1; index < limit; index++) {
      if (source[index] !== 0) throw nulInside(code, field);
    }
    return ascii ? asciiText(source, offset, end) : decodeUtf8(source.subarray(offset, end), code, field);
  }
  if (source[limit - 1] !== 0) {
    // The value fills the field: a NUL anywhere in it is one inside the value. Searched for within the
    // field's own view, so the search is bounded by the field (not by the end of the chunk).
    const value = source.subarray(offset, limit);
    if (value.indexOf(0) !== -1) throw nulInside(code, field);
    return decodeUtf8(value, code, field);
  }
  // The field ends in a NUL, so this search stops within it. The value ends at the first NUL; everything
  // after it must be padding.
  const end = source.indexOf(0, offset);
  if (!allZero(source, end + 1, limit)) throw nulInside(code, field);
  return decodeUtf8(source.subarray(offset, end), code, field);
}

/**
 * Reads a string of exactly `length` bytes (compact framing, where the length is on the wire instead of
 * padding): a NUL anywhere in it or bad UTF-8 is refused, as in a fixed-width field.
 */
export function readExactText(
  source: Uint8Array,
  offset: number,
  length: number,
  code: number,
  field: string,
): string {
  const end = offset + length;
  if (length <= SHORT_TEXT) {
    let ascii = true;
    for (let index = offset; index < end; index++) {
      const byte = source[index] as number;
      if (byte === 0) throw nulInside(code, field);
      if (byte >= 0x80) ascii = false;
    }
    return ascii ? asciiText(source, offset, end) : decodeUtf8(source.subarray(offset, end), code, field);
  }
  const value = source.subarray(offset, end);
  if (value.indexOf(0) !== -1) throw nulInside(code, field);
  return decodeUtf8(value, code, field);
}

/**
 * A DataView over the whole buffer of the chunk read last, for {@link allZero}: frames of one chunk share
 * its buffer, so a view is made once per chunk instead of once per padded field (a per-message allocation
 * on both sides of the paddle, whose 64-byte messages are mostly padding). It keeps that one buffer alive
 * until a frame of another is read.
 */
let paddingView: DataView | undefined;

/**
 * Whether bytes `start` to `end` of `source` are all 0 (a long field's padding). Read four bytes at a time
 * through a DataView: a 512-byte field holding a short message is mostly padding, and a byte loop over it
 * cost as much as decoding the message.
 */
function allZero(source: Uint8Array, start: number, end: number): boolean {
  const words = (end - start) >>> 2;
  let bits = 0;
  if (words > 0) {
    let view = paddingView;
    if (view === undefined || view.buffer !== source.buffer) {
      view = new DataView(source.buffer);
      paddingView = view;
    }
    const first = source.byteOffset + start;
    for (let word = 0; word < words; word++) bits |= view.getUint32(first + (word << 2));
  }
  for (let index = start + (words << 2); index < end; index++) bits |= source[index] as number;
  return bits === 0;
}

/** Decodes UTF-8 strictly: bytes that are not UTF-8 are a non-fatal DecodeError naming the field. */
function decodeUtf8(value: Uint8Array, code: number, field: string): string {
  try {
    return utf8Decoder.decode(value);
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

/*
 * The integer writers return the offset after the field they wrote, so a writer moving through a frame
 * needs no second statement (nor the width again) to step past it.
 */

/** Writes an unsigned byte; returns the offset after it. */
export function writeU8(target: Uint8Array, offset: number, value: unknown, field: string): number {
  target[offset] = requireInteger(value, 0xff, field);
  return offset + U8_WIDTH;
}

/** Writes an unsigned big-endian 16-bit integer; returns the offset after it. */
export function writeU16(target: Uint8Array, offset: number, value: unknown, field: string): number {
  const number = requireInteger(value, 0xffff, field);
  target[offset] = number >>> 8;
  target[offset + 1] = number & 0xff;
  return offset + U16_WIDTH;
}

/** Writes an unsigned big-endian 32-bit integer; returns the offset after it. */
export function writeU32(target: Uint8Array, offset: number, value: unknown, field: string): number {
  const number = requireInteger(value, 0xffffffff, field);
  target[offset] = number >>> 24;
  target[offset + 1] = (number >>> 16) & 0xff;
  target[offset + 2] = (number >>> 8) & 0xff;
  target[offset + 3] = number & 0xff;
  return offset + U32_WIDTH;
}

/**
 * Writes an unsigned big-endian 64-bit integer; only safe integers (up to 2^53 − 1) are accepted. Returns
 * the offset after it.
 */
export function writeU64(target: Uint8Array, offset: number, value: unknown, field: string): number {
  const number = requireInteger(value, Number.MAX_SAFE_INTEGER, field);
  writeU32(target, offset, Math.floor(number / TWO_TO_32), field);
  writeU32(target, offset + U32_WIDTH, number % TWO_TO_32, field);
  return offset + U64_WIDTH;
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
