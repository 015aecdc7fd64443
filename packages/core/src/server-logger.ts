/** Structured fields of one log line. Never put passwords or message contents in them. */
export type LogFields = Record<string, unknown>;

/**
 * What servers log through: structured fields plus a message, the shape of pino's logger, so a pino
 * instance can be passed as it is. Transports log connections, logins and errors; never secrets or content.
 */
export interface ServerLogger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** A logger that drops everything: the default for libraries and tests. */
export const silentLogger: ServerLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
