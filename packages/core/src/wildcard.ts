import { ChatError } from "./chat-error.js";
import { validateWildcardText } from "./rules.js";
import { asciiLowerCase } from "./utf8.js";

/** One step of a compiled wildcard: a literal character, `?` (any one character) or `*` (any run). */
type WildcardToken = { kind: "literal"; char: string } | { kind: "one" } | { kind: "any" };

/** A compiled wildcard pattern; match names with {@link matchesWildcard}. */
export interface Wildcard {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** The literal text every match starts with (case-folded), usable to skip ahead in an ordered list. */
  readonly literalPrefix: string;
  readonly tokens: readonly WildcardToken[];
}

/**
 * Compiles a glob anchored at both ends: `*` matches any run, `?` one character, `\` escapes the next
 * character; ASCII case is ignored; the empty pattern matches everything. It is never turned into a regular
 * expression, so no input can make matching slow or unsafe.
 */
export function compileWildcard(pattern: unknown): Wildcard {
  const source = validateWildcardText(pattern);
  if (source === "") return { source, literalPrefix: "", tokens: [{ kind: "any" }] };
  const chars = Array.from(asciiLowerCase(source));
  const tokens: WildcardToken[] = [];
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] as string;
    if (char === "\\") {
      const escaped = chars[++index];
      if (escaped === undefined) {
        throw new ChatError("INVALID_ARGUMENT", "wildcard must not end with a lone '\\' escape");
      }
      tokens.push({ kind: "literal", char: escaped });
    } else if (char === "*") {
      // Consecutive stars mean the same as one.
      if (tokens.at(-1)?.kind !== "any") tokens.push({ kind: "any" });
    } else if (char === "?") tokens.push({ kind: "one" });
    else tokens.push({ kind: "literal", char });
  }
  let literalPrefix = "";
  for (const token of tokens) {
    if (token.kind !== "literal") break;
    literalPrefix += token.char;
  }
  return { source, literalPrefix, tokens };
}

/**
 * Whether `name` matches the whole wildcard, ignoring ASCII case. Runs in O(pattern × name) time at worst:
 * the classic greedy matcher that remembers only the last `*`.
 */
export function matchesWildcard(wildcard: Wildcard, name: string): boolean {
  const chars = Array.from(asciiLowerCase(name));
  const { tokens } = wildcard;
  let t = 0;
  let c = 0;
  let starToken = -1;
  let starChar = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (
      token !== undefined &&
      (token.kind === "one" || (token.kind === "literal" && token.char === chars[c]))
    ) {
      t++;
      c++;
    } else if (token?.kind === "any") {
      starToken = t++;
      starChar = c;
    } else if (starToken >= 0) {
      t = starToken + 1;
      c = ++starChar;
    } else return false;
  }
  while (tokens[t]?.kind === "any") t++;
  return t === tokens.length;
}
