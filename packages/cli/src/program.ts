import { Command } from "commander";
import { createConnectCommand } from "./connect/connect-command.js";
import { createServeCommand } from "./serve/serve-command.js";
import { CLI_VERSION } from "./version.js";

/**
 * Builds the `chat-cli` command line: `serve` and `connect`, `--help` on each, `--version` on the program.
 * Commander throws instead of exiting (see `runCli`), so every exit goes through one place. Commands
 * report the status to exit with through `setExitCode`.
 */
export function createProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("chat-cli")
    .description("A client-server chat over a binary wire protocol and gRPC.")
    .version(CLI_VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      // Commander puts "(Did you mean ...?)" on a second line; a usage error stays one line here.
      outputError: (text, write) => write(`chat-cli: ${text.trim().replace(/\s*\n\s*/g, " ")}\n`),
    });
  // Added commands do not inherit settings by themselves; they need the same exit and output handling.
  for (const command of [createServeCommand(setExitCode), createConnectCommand(setExitCode)]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  // `chat-cli serve --version` answers like `chat-cli --version`: people ask whichever they typed.
  for (const command of program.commands) command.version(CLI_VERSION, "-V, --version", "print the version");
  return program;
}
