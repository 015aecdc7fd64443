import {
  CONTENT_MAX_BYTES,
  CONTENT_MIN_BYTES,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_BYTES,
  USERNAME_MAX_BYTES,
  USERNAME_MIN_BYTES,
  WILDCARD_MAX_BYTES,
} from "@chat/core";

/** The rules `help` states, each written from core's constants so the text cannot drift from the server. */
export const RULES = {
  username: `${USERNAME_MIN_BYTES}-${USERNAME_MAX_BYTES} characters: A-Z a-z 0-9 _ . - (case ignored when addressing)`,
  password: `${PASSWORD_MIN_BYTES}-${PASSWORD_MAX_BYTES} bytes of UTF-8`,
  message: `${CONTENT_MIN_BYTES}-${CONTENT_MAX_BYTES} bytes of UTF-8 (bytes, not characters: an emoji takes 4)`,
  wildcard: `up to ${WILDCARD_MAX_BYTES} bytes: * any run, ? one char, \\ escapes; case ignored`,
} as const;

/** One of the {@link RULES}. */
export type RuleName = keyof typeof RULES;

/** The rules in the order `help` lists them, with the word each is listed under. */
export const RULE_LABELS: Readonly<Record<RuleName, string>> = {
  username: "usernames",
  password: "passwords",
  message: "messages",
  wildcard: "wildcards",
};

/** The rules section of `help`, labels aligned. */
export function rulesText(names: readonly RuleName[] = Object.keys(RULES) as RuleName[]): string {
  const width = Math.max(...names.map((name) => RULE_LABELS[name].length));
  return names.map((name) => `  ${RULE_LABELS[name].padEnd(width)}  ${RULES[name]}`).join("\n");
}
