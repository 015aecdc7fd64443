import type { IncomingMessage } from "@chat/core";
import type { CommandOutcome } from "./command-outcome.js";
import { COMMAND_HELP, COMMAND_NAMES } from "./command-table.js";
import { escapeField } from "./escape-text.js";

/** The code of the `error` line for a word that is not a command (the server's codes are never this). */
export const UNKNOWN_COMMAND_CODE = "UNKNOWN_COMMAND";

const name = (text: string): string => escapeField(text, { spaces: true });
const rest = (text: string): string => escapeField(text);

/**
 * The one line the scripted mode prints for a command's outcome. The first word says what it is: `ok`,
 * `accounts`, `error`, `usage` or `help` (never `message`, which is reserved for incoming messages). Fields
 * are separated by single spaces and escaped with `escapeField`; the last field of an `error` or `usage`
 * line is free text. See the package README for the full format.
 */
export function scriptedResultLine(outcome: CommandOutcome): string {
  switch (outcome.kind) {
    case "registered":
      return `ok register ${name(outcome.username)}`;
    case "loggedIn":
      return `ok login ${name(outcome.username)}`;
    case "loggedOut":
      return "ok logout";
    case "deleted":
      return "ok deleteacc";
    case "accounts":
      return ["accounts", ...outcome.usernames.map(name)].join(" ");
    case "sent":
      return `ok message ${name(outcome.to)} ${outcome.seq} ${outcome.delivery}`;
    case "failed":
      return `error ${outcome.error.code} ${rest(outcome.error.message)}`;
    case "usage":
      return `usage ${COMMAND_HELP[outcome.command].usage}`;
    case "unknown":
      return `error ${UNKNOWN_COMMAND_CODE} ${rest(`no command named ${outcome.name}; try help`)}`;
    case "help":
      // `help` lists the command names; `help COMMAND` gives that command's usage, e.g. `help login USR PWD`.
      return outcome.topic === undefined
        ? ["help", ...COMMAND_NAMES].join(" ")
        : `help ${COMMAND_HELP[outcome.topic].usage}`;
    case "quit":
      return "ok quit";
  }
}

/** The line the scripted mode prints for an incoming message: `message FROM TEXT`, printed as it arrives. */
export function scriptedIncomingLine(message: IncomingMessage): string {
  return `message ${name(message.from)} ${rest(message.content)}`;
}
