import {
  type CompleterResult,
  clearScreenDown,
  createInterface,
  cursorTo,
  type Interface,
  moveCursor,
} from "node:readline";
import type { ChatClient } from "@chat/core";
import { COMMAND_NAMES } from "./command-table.js";
import { humanIncomingText, humanResultText } from "./human-format.js";
import { parseCommand } from "./parse-command.js";
import type { PromptMode } from "./prompt-mode.js";
import { PromptSession } from "./prompt-session.js";

/** The prompt shown before the line being typed. */
export const PROMPT = "chat> ";

/** How many typed lines the up and down arrows walk back through. */
const HISTORY_SIZE = 1000;

/** The terminal streams of the interactive prompt. */
export interface TerminalStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly errors: NodeJS.WritableStream;
}

/** Tab completion: command names, for the first word only (arguments are names and text, not commands). */
export function completeCommand(line: string): CompleterResult {
  if (/\s/.test(line)) return [[], line];
  const typed = line.toLowerCase();
  return [COMMAND_NAMES.filter((name) => name.startsWith(typed)), line];
}

/** Moves the cursor to the start of the prompt (which may wrap over several rows) and clears from there. */
function clearInput(prompt: Interface, output: NodeJS.WritableStream): void {
  moveCursor(output, 0, -prompt.getCursorPos().rows);
  cursorTo(output, 0);
  clearScreenDown(output);
}

/**
 * Writes text above the line being typed without garbling it: erase the prompt, write the text, draw the
 * prompt again with the partial input and the cursor where they were.
 */
function printAbove(prompt: Interface, output: NodeJS.WritableStream, text: string): void {
  const { rows } = prompt.getCursorPos();
  clearInput(prompt, output);
  output.write(`${text}\n`);
  // readline redraws from `rows` lines above where it believes the cursor is (it tracks the cursor's row
  // within a wrapped input); move down that far first so the redraw starts just below the text.
  output.write("\n".repeat(rows));
  prompt.prompt(true);
}

/**
 * The prompt for people, on a terminal: line editing, history (up/down), tab completion of command names,
 * and incoming messages shown as `[from] text` above the line being typed, which is kept as it was.
 * Commands run in the order typed; the next one can be typed while one is running.
 */
export function startInteractive(
  client: ChatClient,
  streams: TerminalStreams,
  greeting: string,
  unavailableIsLoss = true,
): PromptMode {
  const prompt = createInterface({
    input: streams.input,
    output: streams.output,
    prompt: PROMPT,
    completer: completeCommand,
    historySize: HISTORY_SIZE,
    terminal: true,
  });
  let open = true;
  let quitting = false;
  const show = (text: string): void => {
    if (open) printAbove(prompt, streams.output, text);
    else streams.output.write(`${text}\n`);
  };
  const session = new PromptSession(
    client,
    {
      result: (outcome) => {
        const text = humanResultText(outcome);
        if (text !== "") show(text);
      },
      incoming: (message) => show(humanIncomingText(message)),
    },
    unavailableIsLoss,
  );
  void session.receive();

  prompt.on("line", (line) => {
    const parsed = parseCommand(line);
    void session.submit(line);
    if (parsed.kind === "command" && parsed.command.name === "quit") {
      quitting = true;
      prompt.close();
    } else {
      prompt.prompt();
    }
  });
  // Ctrl-C at the prompt leaves, like `quit`: the chat has nothing to interrupt.
  prompt.on("SIGINT", () => prompt.close());
  const done = new Promise<void>((resolve) => {
    prompt.once("close", () => {
      // Ctrl-D or Ctrl-C leave the cursor after the prompt; end that line so the shell starts clean.
      if (open && !quitting) streams.output.write("\n");
      open = false;
      void session.idle().then(resolve);
    });
  });

  streams.output.write(`${greeting}\n`);
  prompt.prompt();
  return {
    done,
    lost: session.lost,
    notice: show,
    abort: (line) => {
      if (open) clearInput(prompt, streams.output);
      open = false;
      streams.errors.write(`${line}\n`);
      prompt.close();
    },
  };
}
