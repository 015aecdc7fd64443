import { readFile } from "node:fs/promises";
import { startChatBenchServer } from "./chat-bench-server.js";
import { startGrpcBaselineServer } from "./grpc-baseline-server.js";
import { startNetBaselineServers } from "./net-baseline-server.js";
import { parseStorageArgument, startScaleOutNode } from "./scale-out-node.js";
import { isServerKind, type ServerReady } from "./server-kind.js";

/*
 * Entry point of a bench server child process (built to dist/bench-server.js). The bench runs every
 * server in its own process, so the load generator and the server never share an event loop: what is
 * measured is the server, over real loopback sockets.
 *
 * Usage: node bench-server.js <chat|net|grpc-baseline|chat-node STORAGE>, or `chat-tls CERT_FILE KEY_FILE`.
 * Prints one JSON line (`ServerReady`) on stdout
 * once listening; exits when its stdin closes (so it can never outlive the bench) or on SIGTERM.
 */

async function main(): Promise<void> {
  const kind = process.argv[2];
  if (!isServerKind(kind)) {
    process.stderr.write(`bench-server: unknown server kind ${String(kind)}\n`);
    process.exit(2);
  }
  let close: () => Promise<void>;
  let ports: Record<string, number>;
  if (kind === "chat" || kind === "chat-tls") {
    const [certFile, keyFile] = process.argv.slice(3);
    if (kind === "chat-tls" && (certFile === undefined || keyFile === undefined)) {
      process.stderr.write("bench-server: chat-tls needs a certificate file and a key file\n");
      process.exit(2);
    }
    const tls =
      certFile === undefined || keyFile === undefined
        ? undefined
        : { cert: await readFile(certFile), key: await readFile(keyFile) };
    const server = await startChatBenchServer(tls);
    ports = { ...server.ports };
    close = () => server.close();
  } else if (kind === "chat-node") {
    const node = await startScaleOutNode(parseStorageArgument(process.argv[3]));
    ports = { wire: node.port };
    close = () => node.close();
  } else if (kind === "net") {
    const server = await startNetBaselineServers();
    ports = { pingPong: server.pingPongPort, relay: server.relayPort };
    close = () => server.close();
  } else {
    const server = await startGrpcBaselineServer();
    ports = { grpc: server.port };
    close = () => server.close();
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Bounded: a server that does not drain in time is not worth waiting for at the end of a bench.
    const timer = setTimeout(() => process.exit(0), 3_000);
    timer.unref();
    void close().finally(() => process.exit(0));
  };
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  const ready: ServerReady = { ready: true, ports };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
