import { CommanderError } from "commander";
import { CliFailure, ExitCode, firstLine } from "./cli-failure.js";
import { createProgram } from "./program.js";

/**
 * Runs `chat-cli` with the given `process.argv`-style arguments and resolves with the exit status. Every
 * failure ends as one line on stderr: commander prints its own usage errors; a `CliFailure` is printed
 * here; anything else (a bug) is reported by its first line rather than a stack trace.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; everything else commander rejects is a usage error.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (error instanceof CliFailure) {
      process.stderr.write(`chat-cli: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`chat-cli: unexpected error: ${firstLine(error)}\n`);
    return ExitCode.FAILURE;
  }
}
