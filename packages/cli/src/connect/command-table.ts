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

/** How a command is written and what it does, for `help` and for usage errors. */
export interface CommandHelp {
  /** The command with its arguments, e.g. `message USR MSG...`. */
  readonly usage: string;
  /** One line saying what it does. */
  readonly summary: string;
}

/** Usage and summary of every command: the seed's commands, spelled as the seed spelled them. */
export const COMMAND_HELP: Readonly<Record<CommandName, CommandHelp>> = {
  register: { usage: "register USR PWD", summary: "create an account" },
  login: { usage: "login USR PWD", summary: "log in; messages stored while you were away arrive first" },
  logout: { usage: "logout", summary: "log out (unread messages stay stored)" },
  deleteacc: { usage: "deleteacc", summary: "delete your account and the messages waiting for it" },
  accdump: { usage: "accdump", summary: "list every account" },
  accfilter: {
    usage: "accfilter WLDCRD",
    summary: "list accounts matching a wildcard (* any run, ? one char)",
  },
  message: { usage: "message USR MSG...", summary: "send the rest of the line to USR" },
  help: { usage: "help", summary: "show this list" },
  quit: { usage: "quit", summary: "disconnect and exit" },
};

/** Whether a word is one of the {@link COMMAND_NAMES}. */
export function isCommandName(word: string): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word);
}
