/**
 * Exit statuses of `chat-cli`. Scripts can tell a mistake in how they called the CLI (2) from a failure of
 * the chat itself (1), such as a busy port, a bad database file or a lost server.
 */
export const ExitCode = {
  /** Everything went as asked, including a graceful shutdown on SIGINT/SIGTERM. */
  OK: 0,
  /** The run failed: a port in use, an unusable database, an unreachable or lost server. */
  FAILURE: 1,
  /** The command line was wrong: an unknown flag, a bad flag value, a missing argument. */
  USAGE: 2,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A failure that ends the CLI with one line on stderr and a non-zero status, never a stack trace: the
 * message is written for the person who ran the command, so it names what failed and, where known, why.
 */
export class CliFailure extends Error {
  override readonly name = "CliFailure";

  constructor(
    message: string,
    /** The status the process exits with. */
    readonly exitCode: ExitCodeValue = ExitCode.FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The first line of an error's message, for one-line reports of errors that are not {@link CliFailure}s
 * (some libraries put details on later lines; those belong in debug logs, not on the terminal).
 */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n", 1)[0]?.trim() ?? "";
  return line === "" ? "unknown error" : line;
}
