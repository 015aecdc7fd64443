import type { IncomingMessage } from "@chat/core";
import type { CommandOutcome } from "./command-outcome.js";
import { COMMAND_HELP, COMMAND_NAMES } from "./command-table.js";
import { escapeForDisplay } from "./escape-text.js";

/** The command list `help` shows at the prompt, usages aligned. */
export function helpText(): string {
  const width = Math.max(...COMMAND_NAMES.map((command) => COMMAND_HELP[command].usage.length));
  return COMMAND_NAMES.map((command) => {
    const { usage, summary } = COMMAND_HELP[command];
    return `  ${usage.padEnd(width)}  ${summary}`;
  }).join("\n");
}

function accountsText(usernames: readonly string[], pattern: string | undefined): string {
  const matching = pattern === undefined ? "" : ` matching ${escapeForDisplay(pattern)}`;
  if (usernames.length === 0) return `no accounts${matching}`;
  const count = usernames.length === 1 ? "1 account" : `${usernames.length} accounts`;
  return `${count}${matching}: ${usernames.map(escapeForDisplay).join(", ")}`;
}

/**
 * What the interactive prompt shows for a command's outcome, for people (scripts use the scripted format).
 * Text from the server is escaped so it cannot drive the terminal. Empty for `quit`, which shows nothing.
 */
export function humanResultText(outcome: CommandOutcome): string {
  switch (outcome.kind) {
    case "registered":
      return `registered ${escapeForDisplay(outcome.username)}; log in with: login ${escapeForDisplay(outcome.username)} PASSWORD`;
    case "loggedIn":
      return `logged in as ${escapeForDisplay(outcome.username)}`;
    case "loggedOut":
      return "logged out";
    case "deleted":
      return "account deleted";
    case "accounts":
      return accountsText(outcome.usernames, outcome.pattern);
    case "sent":
      return outcome.delivery === "live"
        ? `sent to ${escapeForDisplay(outcome.to)}`
        : `sent to ${escapeForDisplay(outcome.to)} (offline: delivered when they log in)`;
    case "failed":
      return `error: ${escapeForDisplay(outcome.error.message)} (${outcome.error.code})`;
    case "usage":
      return `usage: ${COMMAND_HELP[outcome.command].usage}`;
    case "unknown":
      return `unknown command ${escapeForDisplay(outcome.name)}; type help for the list`;
    case "help":
      return `commands:\n${helpText()}`;
    case "quit":
      return "";
  }
}

/** How the prompt shows an incoming message: `[from] text`. */
export function humanIncomingText(message: IncomingMessage): string {
  return `[${escapeForDisplay(message.from)}] ${escapeForDisplay(message.content)}`;
}
