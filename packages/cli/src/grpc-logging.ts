import type { ServerLogger } from "@chat/core";
import { logVerbosity, setLogger, setLogVerbosity } from "@grpc/grpc-js";

/**
 * grpc-js writes its own diagnostics straight to stderr (for example a second, cryptic line when a port is
 * busy). The CLI takes them over: `serve` passes its logger and gets them as structured debug lines;
 * `connect` passes nothing and drops them, because they would garble the prompt. The CLI reports what
 * matters itself, in one line.
 */
export function routeGrpcLogs(logger?: ServerLogger): void {
  if (logger === undefined) {
    setLogVerbosity(logVerbosity.NONE);
    return;
  }
  const forward = (...args: unknown[]): void => {
    logger.debug({ grpcJs: args.map(String).join(" ") }, "grpc-js diagnostic");
  };
  setLogger({ error: forward, info: forward, debug: forward });
}
