import { clearScreenDown, createInterface, cursorTo, type Interface, moveCursor } from "node:readline";
import { type ChatClient, MAX_PAGE_SIZE } from "@chat/core";
import type { CommandOutcome } from "./command-outcome.js";
import { completeLine } from "./complete-line.js";
import { type HumanFormat, humanIncomingText, humanResultText } from "./human-format.js";
import { MutableOutput } from "./mutable-output.js";
import {
  type PasswordlessCommand,
  parseCommand,
  passwordlessCommand,
  withoutPassword,
} from "./parse-command.js";
import type { PromptMode } from "./prompt-mode.js";
import { PromptSession } from "./prompt-session.js";
import { styleFor } from "./terminal-style.js";

/** The prompt shown before the line being typed while nobody is logged in. */
export const PROMPT = "chat> ";

/** The prompt once `username` is logged in: `alice> `. */
export function userPrompt(username: string): string {
  return `${username}> `;
}

/** How many typed lines the up and down arrows walk back through. */
const HISTORY_SIZE = 1000;
/** Width assumed for layout when the terminal does not report one. */
const FALLBACK_COLUMNS = 80;

/** The question `deleteacc` asks in a terminal before deleting anything. */
export const DELETE_QUESTION = "delete your account and the messages waiting for it? [y/N] ";
/** The answers to {@link DELETE_QUESTION} that mean yes; anything else keeps the account. */
const YES_ANSWERS = new Set(["y", "yes"]);

/** The terminal streams of the interactive prompt. */
export interface TerminalStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WriteStream;
  readonly errors: NodeJS.WritableStream;
}

/** How the interactive prompt starts. */
export interface InteractiveOptions {
  /** The first line shown, naming the server and transport. */
  readonly banner: string;
  /** Ask before `deleteacc` (off with `--yes`). */
  readonly confirmDelete: boolean;
  /**
   * Whether a command failing with `UNAVAILABLE` means the connection is gone (without reconnecting); a
   * reconnecting client shows it as the command's failure and carries on.
   */
  readonly unavailableIsLoss: boolean;
}

/** Moves the cursor to the start of the prompt (which may wrap over several rows) and clears from there. */
function clearInput(prompt: Interface, output: NodeJS.WritableStream): void {
  moveCursor(output, 0, -prompt.getCursorPos().rows);
  cursorTo(output, 0);
  clearScreenDown(output);
}

/** A question the prompt is waiting to have answered instead of a command. */
interface Question {
  readonly text: string;
  /** Typed characters are not echoed, and the answer never enters the history. */
  readonly hidden: boolean;
  readonly answer: (line: string | undefined) => void;
}

/**
 * The prompt for people, on a terminal: line editing, history (up/down, passwords left out), tab
 * completion, a prompt naming who is logged in, hidden password entry for `login USR` and `register USR`,
 * a confirmation before `deleteacc`, colour where the terminal has it, and incoming messages shown with
 * their time and sender above the line being typed, which is kept as it was. Commands run in the order
 * typed; the next one can be typed while one is running.
 */
export function startInteractive(
  client: ChatClient,
  streams: TerminalStreams,
  options: InteractiveOptions,
): PromptMode {
  const terminal = streams.output;
  const readlineOutput = new MutableOutput(terminal);
  const knownNames = new Set<string>();
  const prompt = createInterface({
    input: streams.input,
    output: readlineOutput,
    prompt: PROMPT,
    completer: (line: string) => completeLine(line, knownNames),
    historySize: HISTORY_SIZE,
    terminal: true,
  });
  const style = styleFor(terminal);
  const format = (): HumanFormat => ({ width: terminal.columns ?? FALLBACK_COLUMNS, style });
  let open = true;
  let quitting = false;
  let username: string | undefined;
  let question: Question | undefined;

  const commandPrompt = (): string => (username === undefined ? PROMPT : userPrompt(username));
  /** The prompt readline draws: the question's text while one is asked (none for a hidden one). */
  const currentPrompt = (): string => {
    if (question === undefined) return commandPrompt();
    return question.hidden ? "" : question.text;
  };

  /**
   * Writes text above the line being typed without garbling it: erase the prompt, write the text, draw
   * the prompt again with the partial input and the cursor where they were.
   */
  const printAbove = (text: string): void => {
    const { rows } = prompt.getCursorPos();
    clearInput(prompt, terminal);
    terminal.write(`${text}\n`);
    // readline redraws from `rows` lines above where it believes the cursor is (it tracks the cursor's row
    // within a wrapped input); move down that far first so the redraw starts just below the text.
    terminal.write("\n".repeat(rows));
    // A hidden question is not readline's prompt (readline is muted then), so it is drawn here.
    if (question?.hidden) terminal.write(question.text);
    prompt.prompt(true);
  };
  const show = (text: string): void => {
    if (open) printAbove(text);
    else terminal.write(`${text}\n`);
  };

  const ask = (text: string, hidden: boolean): Promise<string | undefined> =>
    new Promise((resolve) => {
      question = { text, hidden, answer: resolve };
      prompt.setPrompt(currentPrompt());
      if (hidden) {
        terminal.write(text);
        readlineOutput.muted = true;
      }
      prompt.prompt();
    });
  /** Ends the question being asked with `answer` (undefined: cancelled) and goes back to commands. */
  const finishQuestion = (answer: string | undefined): void => {
    const asked = question;
    if (asked === undefined) return;
    question = undefined;
    if (asked.hidden) {
      readlineOutput.muted = false;
      // readline's own end of line was muted with the rest.
      terminal.write("\n");
    }
    prompt.setPrompt(currentPrompt());
    asked.answer(answer);
  };

  const remember = (outcome: CommandOutcome): void => {
    switch (outcome.kind) {
      case "loggedIn":
        username = outcome.username;
        knownNames.add(outcome.username);
        void learnAccounts();
        break;
      case "loggedOut":
      case "deleted":
        username = undefined;
        break;
      case "registered":
        knownNames.add(outcome.username);
        break;
      case "accounts":
        for (const name of outcome.usernames) knownNames.add(name);
        break;
      case "sent":
        knownNames.add(outcome.to);
        break;
      default:
        break;
    }
    if (question === undefined) prompt.setPrompt(currentPrompt());
  };
  /** One page of account names for completing `message`, fetched quietly after a login. */
  const learnAccounts = async (): Promise<void> => {
    try {
      const page = await client.listAccounts({ pageSize: MAX_PAGE_SIZE });
      for (const name of page.usernames) knownNames.add(name);
    } catch {
      // Completion only offers fewer names; the listing commands still report errors themselves.
    }
  };

  const session = new PromptSession(
    client,
    {
      result: (outcome) => {
        remember(outcome);
        const text = humanResultText(outcome, format());
        if (text !== "") show(text);
      },
      incoming: (message, delivery) => {
        knownNames.add(message.from);
        show(humanIncomingText(message, { stored: delivery.stored, now: Date.now() }, format()));
      },
    },
    options.unavailableIsLoss,
  );
  void session.receive();

  const withPassword = async (command: PasswordlessCommand): Promise<void> => {
    const password = await ask(`password for ${command.username}: `, true);
    if (password === undefined) return;
    if (command.name === "register") {
      const again = await ask("the same password again: ", true);
      if (again === undefined) return;
      if (again !== password) {
        show(style.error("the passwords differ; nothing was registered"));
        return;
      }
    }
    void session.submitCommand({ name: command.name, username: command.username, password });
  };
  const confirmThen = async (line: string): Promise<void> => {
    const answer = await ask(DELETE_QUESTION, false);
    if (answer !== undefined && YES_ANSWERS.has(answer.trim().toLowerCase())) void session.submit(line);
    else if (answer !== undefined) show("kept your account");
  };

  const onCommandLine = (line: string): void => {
    const passwordless = passwordlessCommand(line);
    if (passwordless !== undefined) {
      void withPassword(passwordless).then(() => prompt.prompt());
      return;
    }
    const parsed = parseCommand(line);
    if (parsed.kind === "command" && parsed.command.name === "deleteacc" && options.confirmDelete) {
      void confirmThen(line).then(() => prompt.prompt());
      return;
    }
    void session.submit(line);
    if (parsed.kind === "command" && parsed.command.name === "quit") {
      quitting = true;
      prompt.close();
    } else {
      prompt.prompt();
    }
  };

  // Answers to questions never enter the history; commands do, with any password taken out. readline adds
  // the line to its history (and emits this) just before emitting the line itself.
  prompt.on("history", (history: string[]) => {
    if (question !== undefined) history.shift();
    else if (history[0] !== undefined) history[0] = withoutPassword(history[0]);
  });
  prompt.on("line", (line) => {
    if (question !== undefined) finishQuestion(line);
    else onCommandLine(line);
  });
  // Ctrl-C while a question is asked cancels it; otherwise it leaves, like `quit`.
  prompt.on("SIGINT", () => {
    const asked = question;
    if (asked === undefined) {
      prompt.close();
      return;
    }
    // Drop what was typed so far (unseen, if hidden), then back to a fresh command line.
    prompt.write("", { ctrl: true, name: "u" });
    finishQuestion(undefined);
    if (!asked.hidden) terminal.write("\n");
    show("cancelled");
  });
  const done = new Promise<void>((resolve) => {
    prompt.once("close", () => {
      readlineOutput.muted = false;
      // Ctrl-D or Ctrl-C leave the cursor after the prompt; end that line so the shell starts clean.
      if (open && !quitting) terminal.write("\n");
      open = false;
      finishQuestion(undefined);
      void session.idle().then(resolve);
    });
  });

  terminal.write(`${options.banner}\n`);
  prompt.prompt();
  return {
    done,
    lost: session.lost,
    notice: show,
    abort: (line) => {
      readlineOutput.muted = false;
      if (open) clearInput(prompt, terminal);
      open = false;
      streams.errors.write(`${line}\n`);
      prompt.close();
    },
  };
}
