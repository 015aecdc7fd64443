/** Matches a UTF-16 surrogate half that has no partner, which has no UTF-8 encoding. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The engine's own check (ES2024, in Node 20+) where there is one: it answers at once for strings the engine
 * knows hold no surrogates, where the regular expression above scans every character of every message.
 */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Whether a string can be encoded to UTF-8 without replacement characters (no lone surrogates). */
export function isWellFormedUtf16(value: string): boolean {
  return nativeIsWellFormed === undefined ? !LONE_SURROGATE.test(value) : nativeIsWellFormed.call(value);
}

/**
 * The number of bytes `value` takes in UTF-8, computed without allocating an encoded copy.
 * Assumes a well-formed string (see {@link isWellFormedUtf16}).
 */
export function utf8ByteLength(value: string): number {
  const length = value.length;
  let index = 0;
  // ASCII first (the common case): one byte per unit, and the loop stays trivial.
  while (index < length && value.charCodeAt(index) < 0x80) index++;
  let bytes = index;
  for (; index < length; index++) {
    const unit = value.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      // A surrogate pair is one code point above U+FFFF: four bytes for the two units.
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

/** Scratch space for {@link utf8ByteLengthWithin}; only the counts it reports are used, never its bytes. */
let scratch = new Uint8Array(0);
const encoder = new TextEncoder();

/**
 * The UTF-8 size of a well-formed `value` when it is at most `max` bytes, or a number above `max` when it
 * is longer. For the size limits checked on every message: the native encoder counts a 512-byte message
 * several times faster than a character loop in JavaScript.
 */
export function utf8ByteLengthWithin(value: string, max: number): number {
  // Every UTF-16 unit takes one byte at least and three at most (a surrogate pair: four for two).
  if (value.length > max) return max + 1;
  if (value.length * 3 <= max) return utf8ByteLength(value);
  if (scratch.length !== max + 1) scratch = new Uint8Array(max + 1);
  const { read, written } = encoder.encodeInto(value, scratch);
  // Not everything fitted in max + 1 bytes, so the whole needs more than max.
  return read < value.length ? max + 1 : written;
}

/** Lower-cases ASCII letters only, so that case folding never changes a string's byte length. */
export function asciiLowerCase(value: string): string {
  // Most names are already lower case: return them as they are instead of running a replace per call.
  let index = 0;
  for (; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (unit >= 0x41 && unit <= 0x5a) break;
  }
  if (index === value.length) return value;
  let result = value.slice(0, index);
  for (; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    result += unit >= 0x41 && unit <= 0x5a ? String.fromCharCode(unit + 32) : value[index];
  }
  return result;
}
