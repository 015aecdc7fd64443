import type { ChatError } from "@chat/core";

/** A running front end of `chat-cli connect`: the interactive prompt or the scripted line reader. */
export interface PromptMode {
  /** Settles when a command found the connection unusable; see `PromptSession.lost`. */
  readonly lost: Promise<ChatError>;
  /** Resolves when the user is done: `quit`, end of input, or Ctrl-C; every command run and shown. */
  readonly done: Promise<void>;
  /**
   * Ends the mode early because the connection is gone: shows `line` on stderr (in a terminal, in place of
   * the line being typed) and releases the input so the process can exit.
   */
  abort(line: string): void;
  /**
   * Shows a line about the connection (lost, back) without disturbing the session: in a terminal above the
   * line being typed, which stays as it was; in scripted mode on stderr, so stdout keeps one line per
   * command.
   */
  notice(line: string): void;
}
