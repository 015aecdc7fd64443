import { connect as connectTls } from "node:tls";
import type { ChatService, ClientTls, ServerTlsOptions } from "@chat/core";
import {
  cleanupAfterEachTest,
  createTestService,
  describeTlsConformance,
  plaintextAnswer,
  TLS_ALERT_RECORD,
  testCertificatesPerFile,
} from "@chat/core/testing";
import { describe, expect, it } from "vitest";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

/**
 * How long a client that must be refused tries: grpc-js retries a failed handshake until the connect
 * deadline, so a refusal surfaces as `UNAVAILABLE` at this deadline (each case has a control that connects).
 */
const REFUSED_CONNECT_TIMEOUT_MS = 1_500;
/** Generous for a loaded machine: every wait below ends on an event long before it. */
const EVENT_TIMEOUT_MS = 10_000;

const certificates = testCertificatesPerFile();

describeTlsConformance(
  {
    name: "gRPC",
    createServer: grpcServer,
    createClient: grpcClient,
    alpn: ["h2"],
  },
  certificates,
);

function grpcServer(service: ChatService, tls: ServerTlsOptions): GrpcServer {
  return new GrpcServer(service, { tls, shutdownTimeoutMs: 500 });
}

/** A client on a channel of its own; one that must be refused gives up at {@link REFUSED_CONNECT_TIMEOUT_MS}. */
function grpcClient(port: number, tls: ClientTls, refused = false): GrpcClient {
  return new GrpcClient({
    host: "127.0.0.1",
    port,
    tls,
    connectTimeoutMs: refused ? REFUSED_CONNECT_TIMEOUT_MS : EVENT_TIMEOUT_MS,
    channelOptions: { "grpc.use_local_subchannel_pool": 1 },
  });
}

describe("gRPC over TLS", () => {
  const deferCleanup = cleanupAfterEachTest();

  async function serve(tls: ServerTlsOptions) {
    const service = createTestService();
    const server = grpcServer(service, tls);
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    deferCleanup(async () => {
      await server.close();
      await service.close();
    });
    return { server, port };
  }

  function client(port: number, tls: ClientTls): GrpcClient {
    const made = grpcClient(port, tls);
    deferCleanup(() => made.close());
    return made;
  }

  const trusted = () => ({ cert: certificates().server.cert, key: certificates().server.key });

  it("refuses a raw TLS connection without a client certificate during or right after the handshake", async () => {
    const { port } = await serve({ ...trusted(), ca: certificates().ca.cert });
    const outcome = await new Promise<string>((resolve) => {
      const socket = connectTls({
        host: "127.0.0.1",
        port,
        ca: certificates().ca.cert,
        ALPNProtocols: ["h2"],
      });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve("kept open");
      }, EVENT_TIMEOUT_MS);
      socket.on("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(error.code ?? error.message);
      });
    });
    // TLS 1.3 finishes the client's side of the handshake before the server checks its certificate.
    expect(outcome).toBe("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
  });

  it("answers plaintext bytes with nothing but a TLS alert, and cuts a silent connection in time", async () => {
    const { port } = await serve({ ...trusted(), handshakeTimeoutMs: 200 });
    const answer = (bytes: string | undefined) => plaintextAnswer(port, bytes, EVENT_TIMEOUT_MS);
    // The HTTP/2 connection preface in plaintext, as an insecure gRPC client opens.
    const preface = await answer("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    if (preface.length > 0) expect(preface[0]).toBe(TLS_ALERT_RECORD);
    const started = Date.now();
    expect((await answer(undefined)).length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await client(port, { ca: certificates().ca.cert }).connect();
  });
});
