import { type Logger, pino } from "pino";

/** Log levels `--log-level` accepts: pino's, from most to least verbose, plus `silent`. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The default `--log-level`: connections, logins, shutdown and errors, without per-request detail. */
export const DEFAULT_LOG_LEVEL: LogLevel = "info";

/**
 * Creates the server's structured logger: one JSON object per line on stderr, so that stdout carries only
 * the listener lines scripts parse. Writes are synchronous so the last lines before an exit (a shutdown, a
 * fatal error) are never lost in a buffer.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({ name: "chat-cli", level }, pino.destination({ dest: 2, sync: true }));
}
