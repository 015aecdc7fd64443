import { isUtf8 } from "node:buffer";
import { isWellFormedUtf16, utf8ByteLength } from "@chat/core";
import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";
import { CONTENT_WIDTH } from "./frame-layout.js";

/*
 * Reading and writing single fields. Strings are NUL-padded UTF-8 in a fixed-width field; integers are
 * unsigned big-endian. Writers throw EncodeError for a value that does not fit; readers throw a non-fatal
 * DecodeError naming the field (the frame's size is known, so the stream stays in sync).
 */

const TWO_TO_32 = 2 ** 32;

/** Fields up to this many bytes are scanned byte by byte; longer ones use native searches. */
const SHORT_TEXT = 32;

/** All-NUL bytes to compare a field's padding against (as wide as the widest string field). */
const ZEROS = Buffer.alloc(CONTENT_WIDTH);

/**
 * Buffer's own UTF-8 copy routines. `toString`/`write` reach the same code after checking their arguments
 * and the encoding name, which costs as much again as the copy for a short field; these are what they
 * call. Looked up once, with the public methods as the fallback.
 */
interface NativeUtf8 {
  utf8Slice(this: Buffer, start: number, end: number): string;
  latin1Slice(this: Buffer, start: number, end: number): string;
  utf8Write(this: Buffer, value: string, offset: number, length: number): number;
}
const native = Buffer.prototype as unknown as Partial<NativeUtf8>;
const utf8Slice: NativeUtf8["utf8Slice"] =
  native.utf8Slice ??
  function (this: Buffer, start, end) {
    return this.toString("utf8", start, end);
  };
const latin1Slice: NativeUtf8["latin1Slice"] =
  native.latin1Slice ??
  function (this: Buffer, start, end) {
    return this.toString("latin1", start, end);
  };
const utf8Write: NativeUtf8["utf8Write"] =
  native.utf8Write ??
  function (this: Buffer, value, offset, length) {
    return this.write(value, offset, length, "utf8");
  };

/** `bytes` as a Buffer over the same memory (frames read from sockets and the writers' buffers already are). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
  if (!isWellFormedUtf16(value))
    throw new EncodeError(`${field} is not valid Unicode (lone surrogate)`, field);
  // Every UTF-16 unit takes at least one byte, so a longer string cannot fit.
  if (length > width) throw tooLong(value, width, field);
  const buffer = asBuffer(target);
  const written = utf8Write.call(buffer, value, offset, width);
  // The copy stops before a character that does not fit (at most 4 bytes), so it may have been cut only
  // when it came that close to the end and the string could need that many bytes (3 per unit at most).
  // Buffer.byteLength counts natively; it agrees with utf8ByteLength on the well-formed strings seen here.
  if (written > width - 4 && length * 3 > width && Buffer.byteLength(value, "utf8") > width) {
    throw tooLong(value, width, field);
  }
  buffer.fill(0, offset + written, offset + width);
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
  const buffer = asBuffer(source);
  if (width <= SHORT_TEXT) {
    // Short fields (names, the common case): one pass finds the end and whether it is all ASCII.
    let end = offset;
    let ascii = true;
    for (; end < limit; end++) {
      const byte = buffer[end] as number;
      if (byte === 0) break;
      if (byte >= 0x80) ascii = false;
    }
    for (let index = end + 1; index < limit; index++) {
      if (buffer[index] !== 0) throw nulInside(code, field);
    }
    return ascii ? latin1Slice.call(buffer, offset, end) : decodeUtf8(buffer, offset, end, code, field);
  }
  let end: number;
  let text: string;
  if (buffer[limit - 1] !== 0) {
    // The value fills the field: a NUL anywhere in it is one inside the value. Searched for in the decoded
    // text, so the search is bounded by the field (a byte search could run to the end of the chunk).
    end = limit;
    text = decodeUtf8(buffer, offset, end, code, field, true);
  } else {
    // The field ends in a NUL, so this search stops within it. The value ends at the first NUL; everything
    // after it must be padding.
    end = buffer.indexOf(0, offset);
    if (end + 1 < limit && ZEROS.compare(buffer, end + 1, limit, 0, limit - end - 1) !== 0) {
      throw nulInside(code, field);
    }
    text = decodeUtf8(buffer, offset, end, code, field);
  }
  return text;
}

/**
 * Decodes UTF-8 strictly. The native decoder replaces bad sequences with U+FFFD instead of failing, so
 * only a result holding U+FFFD (rare: it is then either bad input or a real U+FFFD) is validated again.
 */
function decodeUtf8(
  buffer: Buffer,
  start: number,
  end: number,
  code: number,
  field: string,
  nulCheck = false,
): string {
  const text = utf8Slice.call(buffer, start, end);
  if (nulCheck && text.includes("\0")) throw nulInside(code, field);
  if (text.includes("\uFFFD") && !isUtf8(buffer.subarray(start, end))) {
    throw new DecodeError(`frame code ${code}: field ${field} is not valid UTF-8`, false, code, field);
  }
  return text;
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
