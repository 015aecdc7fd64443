import { connect as connectTls } from "node:tls";
import type { ClientTls, ServerTlsOptions } from "@chat/core";
import {
  cleanupAfterEachTest,
  createTestService,
  expectChatError,
  oldTlsHandshakeFailure,
  PASSWORD,
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

describe("gRPC over TLS", () => {
  const deferCleanup = cleanupAfterEachTest();

  async function serve(tls: ServerTlsOptions) {
    const service = createTestService();
    const server = new GrpcServer(service, { tls, shutdownTimeoutMs: 500 });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    deferCleanup(async () => {
      await server.close();
      await service.close();
    });
    return { server, port };
  }

  function client(port: number, tls: ClientTls, refused = false): GrpcClient {
    const made = new GrpcClient({
      host: "127.0.0.1",
      port,
      tls,
      connectTimeoutMs: refused ? REFUSED_CONNECT_TIMEOUT_MS : EVENT_TIMEOUT_MS,
      channelOptions: { "grpc.use_local_subchannel_pool": 1 },
    });
    deferCleanup(() => made.close());
    return made;
  }

  const trusted = () => ({ cert: certificates().server.cert, key: certificates().server.key });
  const mutual = () => ({ ...trusted(), ca: certificates().ca.cert });
  const withClientCertificate = () => ({
    ca: certificates().ca.cert,
    cert: certificates().client.cert,
    key: certificates().client.key,
  });

  it("carries a session, deliveries included, for a client that trusts the server's CA", async () => {
    const { port, server } = await serve(trusted());
    expect(server.secure).toBe(true);
    const alice = client(port, { ca: certificates().ca.cert });
    await alice.connect();
    expect(alice.secure).toBe(true);
    await alice.register("alice", PASSWORD);
    await alice.login("alice", PASSWORD);
    await alice.send("alice", "to myself");
    const iterator = alice.messages[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ from: "alice", content: "to myself" });
  });

  it("checks the certificate against a servername other than the host connected to", async () => {
    const { port } = await serve(trusted());
    await client(port, { ca: certificates().ca.cert, servername: "localhost" }).connect();
    const wrongName = client(port, { ca: certificates().ca.cert, servername: "chat.example" }, true);
    await expectChatError(wrongName.connect(), "UNAVAILABLE");
  });

  it("is refused by a client that does not trust the server's CA", async () => {
    const { port } = await serve({
      cert: certificates().otherServer.cert,
      key: certificates().otherServer.key,
    });
    await expectChatError(client(port, { ca: certificates().ca.cert }, true).connect(), "UNAVAILABLE");
    await client(port, { ca: certificates().otherCa.cert }).connect();
  });

  it("is refused by a client when its certificate has expired", async () => {
    const { port } = await serve({
      cert: certificates().expiredServer.cert,
      key: certificates().expiredServer.key,
    });
    await expectChatError(client(port, { ca: certificates().ca.cert }, true).connect(), "UNAVAILABLE");
  });

  it("is refused by a plaintext client, and keeps serving TLS clients", async () => {
    const { port } = await serve(trusted());
    await expectChatError(client(port, false, true).connect(), "UNAVAILABLE");
    const after = client(port, { ca: certificates().ca.cert });
    await after.connect();
    await after.register("after", PASSWORD);
  });

  describe("with a CA for client certificates", () => {
    it("serves a client with a certificate from that CA", async () => {
      const { port } = await serve(mutual());
      const alice = client(port, withClientCertificate());
      await alice.connect();
      await alice.register("alice", PASSWORD);
      await alice.login("alice", PASSWORD);
    });

    it("refuses a client without a certificate, and one with a certificate from another CA", async () => {
      const { port } = await serve(mutual());
      const bare = client(port, { ca: certificates().ca.cert }, true);
      await expectChatError(bare.connect(), "UNAVAILABLE");
      const foreign = client(
        port,
        {
          ca: certificates().ca.cert,
          cert: certificates().otherClient.cert,
          key: certificates().otherClient.key,
        },
        true,
      );
      await expectChatError(foreign.connect(), "UNAVAILABLE");
      // The control: a certificate from the CA gets in.
      await client(port, withClientCertificate()).connect();
    });

    it("refuses a raw TLS connection without a certificate during or right after the handshake", async () => {
      const { port } = await serve(mutual());
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
  });

  it("refuses TLS 1.1: the server answers a protocol_version alert", async () => {
    const { port } = await serve(trusted());
    const failure = await oldTlsHandshakeFailure(port, certificates().ca.cert, ["h2"]);
    expect(failure.code).toBe("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
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
