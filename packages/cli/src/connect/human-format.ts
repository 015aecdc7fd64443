import type { IncomingMessage } from "@chat/core";
import { formatColumns } from "./columns.js";
import type { CommandOutcome } from "./command-outcome.js";
import { COMMAND_HELP, COMMAND_NAMES, type CommandName } from "./command-table.js";
import { escapeForDisplay } from "./escape-text.js";
import { formatSentAt } from "./message-time.js";
import { rulesText } from "./rules-text.js";
import { PLAIN_STYLE, type TerminalStyle } from "./terminal-style.js";

/** How the prompt is laid out: the terminal's width (for columns) and its colours. */
export interface HumanFormat {
  /** Characters per terminal row. */
  readonly width: number;
  readonly style: TerminalStyle;
}

/** A format for an 80-column terminal without colour: what tests and non-terminals get. */
export const PLAIN_FORMAT: HumanFormat = { width: 80, style: PLAIN_STYLE };

/** The command list `help` shows at the prompt, usages aligned. */
export function helpText(): string {
  const width = Math.max(...COMMAND_NAMES.map((command) => COMMAND_HELP[command].usage.length));
  return COMMAND_NAMES.map((command) => {
    const { usage, summary } = COMMAND_HELP[command];
    return `  ${usage.padEnd(width)}  ${summary}`;
  }).join("\n");
}

/** What `help` shows: the commands, then the rules every argument must follow. */
function fullHelpText(): string {
  return `commands:\n${helpText()}\nrules:\n${rulesText()}\ntype help COMMAND for one command`;
}

/** What `help COMMAND` shows: its usage, what it does, and the rules of its arguments. */
function commandHelpText(command: CommandName): string {
  const { usage, summary, rules } = COMMAND_HELP[command];
  const lines = [`usage: ${usage}`, `  ${summary}`];
  if (rules !== undefined) lines.push(rulesText(rules));
  return lines.join("\n");
}

function accountsText(usernames: readonly string[], pattern: string | undefined, width: number): string {
  const matching = pattern === undefined ? "" : ` matching ${escapeForDisplay(pattern)}`;
  if (usernames.length === 0) return `no accounts${matching}`;
  const count = usernames.length === 1 ? "1 account" : `${usernames.length} accounts`;
  return `${count}${matching}:\n${formatColumns(usernames.map(escapeForDisplay), width)}`;
}

/**
 * What the interactive prompt shows for a command's outcome, for people (scripts use the scripted format).
 * Text from the server is escaped so it cannot drive the terminal. Empty for `quit`, which shows nothing.
 */
export function humanResultText(outcome: CommandOutcome, format: HumanFormat = PLAIN_FORMAT): string {
  const { style } = format;
  switch (outcome.kind) {
    case "registered":
      return style.ok(
        `registered ${escapeForDisplay(outcome.username)}; log in with: login ${escapeForDisplay(outcome.username)}`,
      );
    case "loggedIn":
      return style.ok(`logged in as ${escapeForDisplay(outcome.username)}`);
    case "loggedOut":
      return style.ok("logged out");
    case "deleted":
      return style.ok("account deleted");
    case "accounts":
      return accountsText(outcome.usernames, outcome.pattern, format.width);
    case "sent":
      return outcome.delivery === "live"
        ? `sent to ${escapeForDisplay(outcome.to)}`
        : `sent to ${escapeForDisplay(outcome.to)} (offline: delivered when they log in)`;
    case "failed":
      return style.error(`error: ${escapeForDisplay(outcome.error.message)} (${outcome.error.code})`);
    case "usage":
      return style.error(`usage: ${COMMAND_HELP[outcome.command].usage}`);
    case "unknown":
      return style.error(`unknown command ${escapeForDisplay(outcome.name)}; type help for the list`);
    case "help":
      return outcome.topic === undefined ? fullHelpText() : commandHelpText(outcome.topic);
    case "quit":
      return "";
  }
}

/** How an incoming message was delivered, as far as the prompt can tell; see `PromptSession`. */
export interface IncomingContext {
  /** Stored while the recipient was away and delivered at login, rather than live. */
  readonly stored: boolean;
  /** The local time when it is shown, in milliseconds since the epoch: decides whether the date is shown. */
  readonly now: number;
}

/**
 * How the prompt shows an incoming message: `[14:03] bob: text`, with the date when it was not sent today,
 * and `(while you were away)` after a message that was stored for the recipient.
 */
export function humanIncomingText(
  message: IncomingMessage,
  context: IncomingContext,
  format: HumanFormat = PLAIN_FORMAT,
): string {
  const { style } = format;
  const when = style.dim(`[${formatSentAt(message.sentAt, context.now)}]`);
  const from = style.name(escapeForDisplay(message.from));
  const away = context.stored ? ` ${style.notice("(while you were away)")}` : "";
  return `${when} ${from}: ${escapeForDisplay(message.content)}${away}`;
}
