import type { CompleterResult } from "node:readline";
import { COMMAND_ALIASES, COMMAND_NAMES } from "./command-table.js";

/** The words that can start a line: command names and their aliases. */
const FIRST_WORDS = [...COMMAND_NAMES, ...Object.keys(COMMAND_ALIASES)];

/**
 * Tab completion. The first word completes to a command name; the word after `message` to a username the
 * prompt has seen (listed, logged in, sent to or heard from); the word after `help` to a command name. A
 * single match gets its trailing space, so typing can go straight on.
 */
export function completeLine(line: string, knownNames: Iterable<string> = []): CompleterResult {
  const words = line.split(/\s+/);
  const [first = "", second] = words;
  if (words.length === 1) {
    const typed = first.toLowerCase();
    return [FIRST_WORDS.filter((name) => name.startsWith(typed)).map((name) => `${name} `), line];
  }
  if (words.length !== 2 || second === undefined) return [[], line];
  const command = first.toLowerCase();
  const candidates = command === "message" ? [...knownNames] : command === "help" ? [...COMMAND_NAMES] : [];
  const typed = second.toLowerCase();
  const hits = [...new Set(candidates)].filter((name) => name.toLowerCase().startsWith(typed)).sort();
  return [hits.map((name) => `${name} `), second];
}
