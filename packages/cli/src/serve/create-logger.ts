import { type Logger, pino } from "pino";
import { PinoPretty } from "pino-pretty";

/** Log levels `--log-level` accepts: pino's, from most to least verbose, plus `silent`. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The default `--log-level`: connections, logins, shutdown and errors, without per-request detail. */
export const DEFAULT_LOG_LEVEL: LogLevel = "info";

/**
 * Log formats `--log-format` accepts: `json` (one JSON object per line, for log collectors), `pretty` (one
 * readable line per entry, for people) and `auto`, which picks `pretty` when stderr is a terminal.
 */
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The default `--log-format`. */
export const DEFAULT_LOG_FORMAT: LogFormat = "auto";

/** What `auto` becomes for a stderr that is (or is not) a terminal. */
export function resolveLogFormat(format: LogFormat, stderrIsTerminal: boolean): "json" | "pretty" {
  if (format !== "auto") return format;
  return stderrIsTerminal ? "pretty" : "json";
}

/** stderr's file descriptor: logs never go to stdout, which carries only the listener lines. */
const STDERR_FD = 2;

/**
 * Creates the server's logger on stderr, so that stdout carries only the listener lines scripts parse.
 * JSON lines for machines; for people, pino-pretty's one line per entry (`[10:45:01.123] INFO: wire server
 * listening {transport: "wire", …}`), coloured where stderr supports it. Writes are synchronous in both, so
 * the last lines before an exit (a shutdown, a fatal error) are never lost in a buffer.
 */
export function createLogger(
  level: LogLevel,
  format: LogFormat = "json",
  stderr: NodeJS.WriteStream = process.stderr,
): Logger {
  const options = { name: "chat-cli", level };
  if (resolveLogFormat(format, stderr.isTTY === true) === "json") {
    return pino(options, pino.destination({ dest: STDERR_FD, sync: true }));
  }
  const pretty = PinoPretty({
    destination: STDERR_FD,
    sync: true,
    colorize: stderr.isTTY === true && stderr.hasColors?.() === true && (process.env.NO_COLOR ?? "") === "",
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,name",
    singleLine: true,
  });
  return pino(options, pretty);
}
