/** Matches a UTF-16 surrogate half that has no partner, which has no UTF-8 encoding. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string can be encoded to UTF-8 without replacement characters (no lone surrogates). */
export function isWellFormedUtf16(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/**
 * The number of bytes `value` takes in UTF-8, computed without allocating an encoded copy.
 * Assumes a well-formed string (see {@link isWellFormedUtf16}).
 */
export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (let index = 0; index < value.length; index++) {
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

/** Lower-cases ASCII letters only, so that case folding never changes a string's byte length. */
export function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 32));
}
