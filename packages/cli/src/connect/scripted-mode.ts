import { createInterface } from "node:readline";
import type { ChatClient } from "@chat/core";
import { parseCommand } from "./parse-command.js";
import type { PromptMode } from "./prompt-mode.js";
import { PromptSession } from "./prompt-session.js";
import { scriptedIncomingLine, scriptedResultLine } from "./scripted-format.js";

/** The streams the scripted mode reads from and writes to. */
export interface ScriptedStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly errors: NodeJS.WritableStream;
}

/**
 * The prompt for programs: reads one command per line and prints exactly one result line per command (blank
 * lines excepted), in the order of the input, plus a `message FROM TEXT` line whenever a message arrives.
 * Ends after `quit` or at the end of the input, once every command has been answered.
 */
export function startScripted(
  client: ChatClient,
  streams: ScriptedStreams,
  unavailableIsLoss = true,
): PromptMode {
  const write = (line: string): void => {
    streams.output.write(`${line}\n`);
  };
  const session = new PromptSession(
    client,
    {
      result: (outcome) => write(scriptedResultLine(outcome)),
      incoming: (message) => write(scriptedIncomingLine(message)),
    },
    unavailableIsLoss,
  );
  void session.receive();
  const lines = createInterface({
    input: streams.input,
    terminal: false,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let quitting = false;
  lines.on("line", (line) => {
    // Lines after `quit` are not commands any more: the reader stops, though some may already be buffered.
    if (quitting) return;
    const parsed = parseCommand(line);
    if (parsed.kind === "command" && parsed.command.name === "quit") {
      quitting = true;
      lines.close();
    }
    void session.submit(line);
  });
  const done = new Promise<void>((resolve) => {
    lines.once("close", () => {
      void session.idle().then(resolve);
    });
  });
  return {
    done,
    lost: session.lost,
    notice: (line) => streams.errors.write(`${line}\n`),
    abort: (line) => {
      quitting = true;
      lines.close();
      streams.errors.write(`${line}\n`);
    },
  };
}
