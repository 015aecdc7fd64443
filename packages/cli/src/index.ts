// The library side of @chat/cli (listed in README.md, "As a library"): the program itself, a server on the
// CLI's options, the prompt's logic on any ChatClient, the scripted output format, the listener line and
// the transport registry (which the bench looks transports up in too). The prompt's parser, command table
// and display escaping are internal to the CLI.
export { CliFailure, ExitCode, type ExitCodeValue } from "./cli-failure.js";
export type { CommandOutcome } from "./connect/command-outcome.js";
export { escapeField, unescapeField } from "./connect/escape-text.js";
export { PromptSession, type SessionOutput } from "./connect/prompt-session.js";
export { type ConnectOptions, runConnect } from "./connect/run-connect.js";
export { scriptedIncomingLine, scriptedResultLine, UNKNOWN_COMMAND_CODE } from "./connect/scripted-format.js";
export { DEFAULT_DB_FILE, DEFAULT_HOST } from "./defaults.js";
export { createProgram } from "./program.js";
export { runCli } from "./run-cli.js";
export { createLogger, LOG_LEVELS, type LogLevel } from "./serve/create-logger.js";
export { listenerLine, parseListenerLine } from "./serve/listener-line.js";
export type { ServeOptions, ServeTransport, StorageChoice } from "./serve/serve-options.js";
export { type Listener, type RunningServer, startServer } from "./serve/start-server.js";
export {
  DEFAULT_TRANSPORT,
  isTransportName,
  servePortFlag,
  TRANSPORT_NAMES,
  TRANSPORTS,
  type TransportName,
  transportNamed,
} from "./transports/registry.js";
export { CLI_VERSION } from "./version.js";
