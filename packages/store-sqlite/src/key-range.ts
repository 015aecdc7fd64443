/**
 * Compares two strings the way SQLite's default BINARY collation does on a UTF-8 database: by their UTF-8
 * bytes, which is code point order. JavaScript's `<` compares UTF-16 code units, which disagrees for
 * characters beyond U+FFFF, so bounds computed here must not use it.
 */
export function compareBinary(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, "utf8"), Buffer.from(right, "utf8"));
}

const MAX_CODE_POINT = 0x10ffff;
const FIRST_SURROGATE = 0xd800;
const AFTER_SURROGATES = 0xe000;

/**
 * The smallest string greater (in code point order) than every string that starts with `prefix`, or
 * `undefined` when there is none (empty prefix, or only U+10FFFF). With it a prefix query becomes the
 * index range `key >= prefix AND key < upper` instead of a filter over every later key.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (character) => character.codePointAt(0) ?? 0);
  while (codePoints.length > 0) {
    const last = codePoints.pop() ?? MAX_CODE_POINT;
    if (last < MAX_CODE_POINT) {
      const next = last + 1 === FIRST_SURROGATE ? AFTER_SURROGATES : last + 1;
      return String.fromCodePoint(...codePoints, next);
    }
  }
  return undefined;
}
