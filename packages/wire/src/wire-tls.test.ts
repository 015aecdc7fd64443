import { connect as connectTcp } from "node:net";
import type { ChatService, ClientTls, ServerTlsOptions } from "@chat/core";
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
import type { Frame } from "./frame.js";
import { encodeFrame } from "./frame-encoder.js";
import { RawClient } from "./testing/raw-client.js";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

/** Generous for a loaded machine: every wait below ends on an event long before it. */
const EVENT_TIMEOUT_MS = 10_000;

const certificates = testCertificatesPerFile();

describe("the wire protocol over TLS", () => {
  const deferCleanup = cleanupAfterEachTest();

  async function serve(tls: ServerTlsOptions, service: ChatService = createTestService()) {
    const server = new WireServer(service, { tls });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    deferCleanup(async () => {
      await server.close();
      await service.close();
    });
    return { server, port, service };
  }

  function client(port: number, tls: ClientTls): WireClient {
    const made = new WireClient({ host: "127.0.0.1", port, connectTimeoutMs: EVENT_TIMEOUT_MS, tls });
    deferCleanup(() => made.close());
    return made;
  }

  async function raw(open: Promise<RawClient>): Promise<RawClient> {
    const opened = await open;
    deferCleanup(() => opened.destroy());
    return opened;
  }

  const trusted = () => ({ cert: certificates().server.cert, key: certificates().server.key });

  it("carries a whole session for a client that trusts the server's CA, and says so", async () => {
    const { port, server } = await serve(trusted());
    expect(server.secure).toBe(true);
    const alice = client(port, { ca: certificates().ca.cert });
    await alice.connect();
    expect(alice.secure).toBe(true);
    await alice.register("alice", PASSWORD);
    expect(await alice.login("alice", PASSWORD)).toEqual({ username: "alice" });
    expect((await alice.send("alice", "to myself")).delivery).toBe("live");
  });

  it("checks the certificate against a servername other than the host connected to", async () => {
    const { port } = await serve(trusted());
    await client(port, { ca: certificates().ca.cert, servername: "localhost" }).connect();
    const wrongName = client(port, { ca: certificates().ca.cert, servername: "chat.example" });
    const error = await expectChatError(wrongName.connect(), "UNAVAILABLE");
    expect(error.message).toMatch(/TLS handshake failed: .*chat\.example/);
  });

  it("serves a seed client that wraps its socket in TLS, unchanged", async () => {
    const { port } = await serve(trusted());
    const options = { ca: certificates().ca.cert };
    const alice = await raw(RawClient.openTls(port, options));
    const bob = await raw(RawClient.openTls(port, options));
    alice.send(
      { type: "reg", username: "alice", password: PASSWORD },
      { type: "reg", username: "bob", password: PASSWORD },
      { type: "log", username: "alice", password: PASSWORD },
      { type: "msg", to: "bob", content: "queued 👋" },
    );
    expect(await alice.take(4)).toEqual([
      { type: "suc", text: "account alice registered" },
      { type: "suc", text: "account bob registered" },
      { type: "suc", text: "logged in as alice" },
      { type: "suc", text: "message to bob stored until they log in" },
    ]);
    bob.send({ type: "log", username: "bob", password: PASSWORD });
    expect(await bob.take(2)).toEqual([
      { type: "suc", text: "logged in as bob" },
      { type: "nms", from: "alice", content: "queued 👋" },
    ]);
    bob.send({ type: "msg", to: "alice", content: "live" }, { type: "acd" });
    expect(await bob.take(2)).toEqual([
      { type: "suc", text: "message to alice delivered" },
      { type: "suc", text: "accounts [1/1]: alice bob" },
    ]);
    expect(await alice.next()).toEqual({ type: "nms", from: "bob", content: "live" });
  });

  it("is refused by a client that does not trust the server's CA", async () => {
    const { port, server } = await serve({
      cert: certificates().otherServer.cert,
      key: certificates().otherServer.key,
    });
    const error = await expectChatError(
      client(port, { ca: certificates().ca.cert }).connect(),
      "UNAVAILABLE",
    );
    expect(error.message).toMatch(/^TLS handshake failed: .*(self-signed|unable to verify|issuer)/i);
    // The control: the same server is fine for a client that trusts its CA.
    await client(port, { ca: certificates().otherCa.cert }).connect();
    expect(server.stats().connections).toBe(1);
  });

  it("is refused by a client when its certificate has expired", async () => {
    const { port } = await serve({
      cert: certificates().expiredServer.cert,
      key: certificates().expiredServer.key,
    });
    const error = await expectChatError(
      client(port, { ca: certificates().ca.cert }).connect(),
      "UNAVAILABLE",
    );
    expect(error.message).toBe("TLS handshake failed: certificate has expired");
  });

  it("is refused by a client that asked for TLS from a plaintext server, and the reverse", async () => {
    const service = createTestService();
    const plain = new WireServer(service);
    const { port: plainPort } = await plain.listen({ host: "127.0.0.1", port: 0 });
    deferCleanup(async () => {
      await plain.close();
      await service.close();
    });
    await expectChatError(client(plainPort, { ca: certificates().ca.cert }).connect(), "UNAVAILABLE");
    const { port: tlsPort } = await serve(trusted());
    await expectChatError(client(tlsPort, false).connect(), "UNAVAILABLE");
  });

  describe("with a CA for client certificates", () => {
    const mutual = () => ({ ...trusted(), ca: certificates().ca.cert });

    it("lets in a client with a certificate from that CA", async () => {
      const { port } = await serve(mutual());
      const alice = client(port, {
        ca: certificates().ca.cert,
        cert: certificates().client.cert,
        key: certificates().client.key,
      });
      await alice.connect();
      await alice.register("alice", PASSWORD);
    });

    it("refuses a client without a certificate, and one with a certificate from another CA", async () => {
      const { port, server, service } = await serve(mutual());
      await expectChatError(client(port, { ca: certificates().ca.cert }).connect(), "UNAVAILABLE");
      const foreign = client(port, {
        ca: certificates().ca.cert,
        cert: certificates().otherClient.cert,
        key: certificates().otherClient.key,
      });
      await expectChatError(foreign.connect(), "UNAVAILABLE");
      // Neither got as far as a chat connection: a seed client without a certificate gets nothing either.
      const seed = await raw(RawClient.openTls(port, { ca: certificates().ca.cert }));
      seed.send({ type: "reg", username: "mallory", password: PASSWORD });
      await seed.waitClosed(EVENT_TIMEOUT_MS);
      expect(seed.received).toEqual([]);
      expect(server.stats().connections).toBe(0);
      expect(await service.connect().listAccounts({})).toMatchObject({ usernames: [] });
    });
  });

  it("refuses TLS 1.1: the server answers a protocol_version alert", async () => {
    const { port } = await serve(trusted());
    const failure = await oldTlsHandshakeFailure(port, certificates().ca.cert);
    // The server's alert (RFC 8446 protocol_version, 70), not a client that could not offer TLS 1.1.
    expect(failure.code).toBe("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
  });

  it("answers plaintext frames on the TLS port with no chat frame, and keeps serving", async () => {
    const { port, server } = await serve(trusted());
    const frame: Frame = { type: "reg", username: "plain", password: PASSWORD };
    const answer = await plaintextAnswer(port, encodeFrame(frame), EVENT_TIMEOUT_MS);
    // Nothing, or a TLS alert record: never a frame (a seed `err` starts with its code, 6).
    if (answer.length > 0) expect(answer[0]).toBe(TLS_ALERT_RECORD);
    expect(server.stats().connections).toBe(0);
    const after = client(port, { ca: certificates().ca.cert });
    await after.connect();
    await after.register("after", PASSWORD);
  });

  it("counts connections still in their handshake against maxConnections", async () => {
    const service = createTestService();
    const server = new WireServer(service, { maxConnections: 2, tls: trusted() });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    deferCleanup(async () => {
      await server.close();
      await service.close();
    });
    const silent = async () => {
      const socket = connectTcp({ host: "127.0.0.1", port });
      socket.on("error", () => {});
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      deferCleanup(() => {
        socket.destroy();
      });
      return { socket, closed };
    };
    const first = await silent();
    const second = await silent();
    // Two silent connections in their handshake fill the server: the third is closed at once, long before
    // the handshake timeout (10 s), and so is a real TLS client.
    await (await silent()).closed;
    await expectChatError(client(port, { ca: certificates().ca.cert }).connect(), "UNAVAILABLE");
    first.socket.destroy();
    second.socket.destroy();
    await Promise.all([first.closed, second.closed]);
    // Room again once the server has seen them go (its side of the close comes a moment after ours).
    const deadline = Date.now() + EVENT_TIMEOUT_MS;
    for (;;) {
      const after = client(port, { ca: certificates().ca.cert });
      const connected = await after.connect().then(
        () => true,
        (error: unknown) => {
          if (Date.now() > deadline) throw error;
          return false;
        },
      );
      if (connected) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it("cuts a connection that never starts its handshake after the handshake timeout", async () => {
    const { port } = await serve({ ...trusted(), handshakeTimeoutMs: 200 });
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const socket = connectTcp({ host: "127.0.0.1", port });
      socket.on("error", () => {});
      socket.on("close", () => resolve());
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});
