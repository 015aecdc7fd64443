import { connect as connectTcp } from "node:net";
import type { ChatService, ClientTls, ServerTlsOptions } from "@chat/core";
import {
  cleanupAfterEachTest,
  createTestService,
  describeTlsConformance,
  expectChatError,
  PASSWORD,
  plaintextAnswer,
  TLS_ALERT_RECORD,
  type TlsRefusal,
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

/** What the wire client's refusal says, after `TLS handshake failed: ` (OpenSSL's words for the reason). */
const REFUSAL_MESSAGES: Readonly<Record<TlsRefusal, RegExp>> = {
  "wrong servername": /^TLS handshake failed: .*chat\.example/,
  "untrusted CA": /^TLS handshake failed: .*(self-signed|unable to verify|issuer)/i,
  "expired certificate": /^TLS handshake failed: certificate has expired$/,
};

describeTlsConformance(
  {
    name: "wire",
    createServer: (service, tls) => new WireServer(service, { tls }),
    createClient: (port, tls) =>
      new WireClient({ host: "127.0.0.1", port, connectTimeoutMs: EVENT_TIMEOUT_MS, tls }),
    checkRefusal: (error, refusal) => expect(error.message).toMatch(REFUSAL_MESSAGES[refusal]),
    chatConnections: (server) => server.stats().connections,
  },
  certificates,
);

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

  it("is refused by a client that asked for TLS from a plaintext server", async () => {
    const service = createTestService();
    const plain = new WireServer(service);
    const { port: plainPort } = await plain.listen({ host: "127.0.0.1", port: 0 });
    deferCleanup(async () => {
      await plain.close();
      await service.close();
    });
    await expectChatError(client(plainPort, { ca: certificates().ca.cert }).connect(), "UNAVAILABLE");
  });

  it("gives a seed client without a client certificate nothing, and lets nothing reach the chat", async () => {
    const { port, server, service } = await serve({ ...trusted(), ca: certificates().ca.cert });
    const seed = await raw(RawClient.openTls(port, { ca: certificates().ca.cert }));
    seed.send({ type: "reg", username: "mallory", password: PASSWORD });
    await seed.waitClosed(EVENT_TIMEOUT_MS);
    expect(seed.received).toEqual([]);
    expect(server.stats().connections).toBe(0);
    expect(await service.connect().listAccounts({})).toMatchObject({ usernames: [] });
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
