// Test support: a real `chat-cli serve` on free ports, with the ports it picked.
import { parseListenerLine } from "../serve/listener-line.js";
import { CliProcess } from "./cli-process.js";

/**
 * Fast password hashing for test servers (a hidden `serve` flag): production scrypt takes about a second
 * per login on a busy two-core machine, which would dominate the suite.
 */
export const TEST_HASHING_FLAG = "--insecure-test-hashing";

/** A started test server. */
export interface TestServer {
  readonly process: CliProcess;
  /** The wire port, when a wire listener runs. */
  readonly wirePort: number | undefined;
  /** The gRPC port, when a gRPC listener runs. */
  readonly grpcPort: number | undefined;
}

/**
 * Starts `chat-cli serve` on 127.0.0.1 with free ports (`--port 0 --grpc-port 0`), in memory unless
 * `args` say otherwise, and waits for its listener lines.
 */
export async function startTestServer(
  args: readonly string[] = ["--memory"],
  options: { transport?: "wire" | "grpc" | "both"; cwd?: string } = {},
): Promise<TestServer> {
  const transport = options.transport ?? "both";
  const server = new CliProcess(
    [
      "serve",
      "--transport",
      transport,
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--grpc-port",
      "0",
      "--log-level",
      "warn",
      TEST_HASHING_FLAG,
      ...args,
    ],
    options.cwd === undefined ? {} : { cwd: options.cwd },
  );
  const expected = transport === "both" ? 2 : 1;
  let wirePort: number | undefined;
  let grpcPort: number | undefined;
  for (let seen = 0; seen < expected; seen++) {
    const listener = parseListenerLine(await server.waitForLine(/ listening on /));
    if (listener?.transport === "wire") wirePort = listener.port;
    if (listener?.transport === "grpc") grpcPort = listener.port;
  }
  return { process: server, wirePort, grpcPort };
}

/** The port of the given transport, failing loudly when that listener was not started. */
export function portOf(server: TestServer, transport: "wire" | "grpc"): number {
  const port = transport === "wire" ? server.wirePort : server.grpcPort;
  if (port === undefined) throw new Error(`the test server has no ${transport} listener`);
  return port;
}
