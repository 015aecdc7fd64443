import { ExitCode, type ExitCodeValue } from "../cli-failure.js";
import { routeGrpcLogs } from "../grpc-logging.js";
import { createLogger } from "./create-logger.js";
import { listenerLine } from "./listener-line.js";
import type { ServeOptions } from "./serve-options.js";
import { waitForShutdownSignal } from "./shutdown-signal.js";
import { startServer } from "./start-server.js";

/**
 * `chat-cli serve`: starts the server, prints one line per listener on stdout, then runs until SIGINT or
 * SIGTERM and shuts down gracefully. Logs go to stderr. Resolves with the exit status; failures to start
 * reject with a `CliFailure`.
 */
export async function runServe(options: ServeOptions, stdout: NodeJS.WritableStream): Promise<ExitCodeValue> {
  const logger = createLogger(options.logLevel, options.logFormat);
  routeGrpcLogs(logger);
  // Listen before starting: a signal that arrives while the store opens must still shut down gracefully.
  const signalled = waitForShutdownSignal((signal) => {
    logger.warn({ signal }, "second signal: exiting without waiting for shutdown");
    process.exit(ExitCode.FAILURE);
  });
  const crash = (error: unknown): void => {
    logger.fatal({ err: error }, "unexpected error; exiting");
    process.exit(ExitCode.FAILURE);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  const server = await startServer(options, logger);
  for (const listener of server.listeners) stdout.write(`${listenerLine(listener)}\n`);
  if (server.metrics !== undefined)
    stdout.write(`${listenerLine({ transport: "metrics", ...server.metrics })}\n`);
  const signal = await signalled;
  logger.info({ signal }, "shutting down");
  const drained = await server.close();
  logger.info({ drained }, "stopped");
  return drained ? ExitCode.OK : ExitCode.FAILURE;
}
