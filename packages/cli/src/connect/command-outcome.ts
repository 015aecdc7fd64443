import type { ChatError, DeliveryMode } from "@chat/core";
import type { CommandName } from "./command-table.js";

/** The result of one command line, before it is formatted for a person or for a script. */
export type CommandOutcome =
  | { readonly kind: "registered"; readonly username: string }
  | { readonly kind: "loggedIn"; readonly username: string }
  | { readonly kind: "loggedOut" }
  | { readonly kind: "deleted" }
  | {
      readonly kind: "accounts";
      /** Every matching account, all pages gathered. */
      readonly usernames: readonly string[];
      /** The `accfilter` wildcard; absent for `accdump`. */
      readonly pattern?: string;
    }
  | {
      readonly kind: "sent";
      readonly to: string;
      readonly seq: number;
      readonly delivery: DeliveryMode;
    }
  /** The server (or the connection) refused the command. */
  | { readonly kind: "failed"; readonly command: CommandName; readonly error: ChatError }
  | { readonly kind: "usage"; readonly command: CommandName }
  | { readonly kind: "unknown"; readonly name: string }
  /** `help`, or with a topic `help COMMAND`. */
  | { readonly kind: "help"; readonly topic?: CommandName }
  | { readonly kind: "quit" };
