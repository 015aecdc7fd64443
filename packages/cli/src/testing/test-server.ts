// Test support: a real `chat-cli serve` on free ports, with the ports it picked.
import { parseListenerLine } from "../serve/listener-line.js";
import { type ServeTransport, transportsOf } from "../serve/serve-options.js";
import { servePortFlag, TRANSPORT_NAMES, type TransportName } from "../transports/registry.js";
import { CliProcess } from "./cli-process.js";

/**
 * Fast password hashing for test servers (a hidden `serve` flag): production scrypt takes about a second
 * per login on a busy two-core machine, which would dominate the suite.
 */
export const TEST_HASHING_FLAG = "--insecure-test-hashing";

/** A started test server. */
export interface TestServer {
  readonly process: CliProcess;
  /** The port of each transport whose listener runs. */
  readonly ports: Readonly<Partial<Record<TransportName, number>>>;
}

/**
 * Starts `chat-cli serve` on 127.0.0.1 with free ports (port 0 for every transport), in memory unless
 * `args` say otherwise, and waits for its listener lines.
 */
export async function startTestServer(
  args: readonly string[] = ["--memory"],
  options: { transport?: ServeTransport; cwd?: string } = {},
): Promise<TestServer> {
  const transport = options.transport ?? "both";
  const server = new CliProcess(
    [
      "serve",
      "--transport",
      transport,
      "--host",
      "127.0.0.1",
      ...TRANSPORT_NAMES.flatMap((name) => [servePortFlag(name), "0"]),
      "--log-level",
      "warn",
      TEST_HASHING_FLAG,
      ...args,
    ],
    options.cwd === undefined ? {} : { cwd: options.cwd },
  );
  const ports: Partial<Record<TransportName, number>> = {};
  for (let seen = 0; seen < transportsOf(transport).length; seen++) {
    const listener = parseListenerLine(await server.waitForLine(/ listening on /));
    if (listener !== undefined && listener.transport !== "metrics") ports[listener.transport] = listener.port;
  }
  return { process: server, ports };
}

/** The port of the given transport, failing loudly when that listener was not started. */
export function portOf(server: TestServer, transport: TransportName): number {
  const port = server.ports[transport];
  if (port === undefined) throw new Error(`the test server has no ${transport} listener`);
  return port;
}

/** A `chat-cli connect` process over `transport` to `port` on 127.0.0.1, with `flags` after. */
export function connectCli(transport: TransportName, port: number, ...flags: string[]): CliProcess {
  return new CliProcess(["connect", "--transport", transport, "--port", String(port), ...flags]);
}
