import type { RuleName } from "./rules-text.js";

/** The prompt's command names, in the order `help` lists them. */
export const COMMAND_NAMES = [
  "register",
  "login",
  "logout",
  "deleteacc",
  "accdump",
  "accfilter",
  "message",
  "help",
  "quit",
] as const;

/** One of {@link COMMAND_NAMES}. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Other words for commands: each runs its command exactly as if the command's own name had been typed. */
export const COMMAND_ALIASES: Readonly<Record<string, CommandName>> = { exit: "quit" };

/** How a command is written and what it does, for `help` and for usage errors. */
export interface CommandHelp {
  /** The command with its arguments, e.g. `message USR MSG...`. */
  readonly usage: string;
  /** One line saying what it does. */
  readonly summary: string;
  /** The rules `help COMMAND` states for its arguments. */
  readonly rules?: readonly RuleName[];
}

/** Usage and summary of every command: the seed's commands, spelled as the seed spelled them. */
export const COMMAND_HELP: Readonly<Record<CommandName, CommandHelp>> = {
  register: {
    usage: "register USR PWD",
    summary: "create an account (no PWD: asks for it, hidden)",
    rules: ["username", "password"],
  },
  login: {
    usage: "login USR PWD",
    summary: "log in (no PWD: asks, hidden); stored mail arrives first",
    rules: ["username", "password"],
  },
  logout: { usage: "logout", summary: "log out (unread messages stay stored)" },
  deleteacc: {
    usage: "deleteacc",
    summary: "delete your account and its waiting mail (asks first)",
  },
  accdump: { usage: "accdump", summary: "list every account" },
  accfilter: {
    usage: "accfilter WLDCRD",
    summary: "list accounts matching a wildcard (* any run, ? one char)",
    rules: ["wildcard"],
  },
  message: { usage: "message USR MSG...", summary: "send the rest of the line to USR", rules: ["message"] },
  help: { usage: "help [COMMAND]", summary: "show the commands and rules, or one command" },
  quit: { usage: "quit", summary: "disconnect and exit (also: exit)" },
};

/** Whether a word is one of the {@link COMMAND_NAMES}. */
export function isCommandName(word: string): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word);
}

/** The command a word names, through {@link COMMAND_ALIASES}, ignoring case; `undefined` for any other word. */
export function resolveCommandName(word: string): CommandName | undefined {
  const lower = word.toLowerCase();
  if (isCommandName(lower)) return lower;
  return Object.hasOwn(COMMAND_ALIASES, lower) ? COMMAND_ALIASES[lower] : undefined;
}
