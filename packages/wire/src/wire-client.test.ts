import { createServer, type Server, type Socket } from "node:net";
import { type ChatError, validatePageSize, validateSequence, validateUsername } from "@chat/core";
import { cleanupAfterEachTest, createTestService, PASSWORD } from "@chat/core/testing";
import { describe, expect, it } from "vitest";
import { ALL_FEATURES, Feature, PROTOCOL_VERSION } from "./features.js";
import type { Frame } from "./frame.js";
import { encodeFrame } from "./frame-encoder.js";
import { FrameReader } from "./frame-reader.js";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

const deferCleanup = cleanupAfterEachTest();

/** A scripted server: `onFrame` decides what to answer, so the client meets servers WireServer never is. */
async function fakeServer(onFrame: (frame: Frame, socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    const reader = new FrameReader();
    socket.on("data", (chunk: Buffer) => {
      for (const frame of reader.readAll(chunk)) onFrame(frame, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  deferCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A real WireServer on a free loopback port, closed after the test; returns its port. */
async function realServer(): Promise<number> {
  const server = new WireServer(createTestService());
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  deferCleanup(() => server.close());
  return port;
}

/** The scripted servers speak fixed framing only, so like any server without it they never grant compact. */
const FIXED_SERVER_FEATURES = ALL_FEATURES & ~Feature.compactFrames;

function hey(socket: Socket, features = FIXED_SERVER_FEATURES): void {
  socket.write(encodeFrame({ type: "hey", version: PROTOCOL_VERSION, features }));
}

/** What core's rule check throws for `value`: the error a client must report for it, word for word. */
function coreRefusal(check: (value: unknown) => unknown, value: unknown): ChatError {
  try {
    check(value);
  } catch (error) {
    return error as ChatError;
  }
  throw new Error(`core accepts ${String(value)}`);
}

async function client(
  port: number,
  options: { heartbeatIntervalMs?: number; heartbeatTimeoutMs?: number; requestTimeoutMs?: number } = {},
) {
  const wire = new WireClient({ host: "127.0.0.1", port, ...options });
  deferCleanup(() => wire.close());
  await wire.connect();
  return wire;
}

describe("WireClient", () => {
  it("pipelines requests and gets the answers in order", async () => {
    const port = await realServer();
    const alice = await client(port);
    await Promise.all([alice.register("alice", PASSWORD), alice.register("bob", PASSWORD)]);
    await alice.login("alice", PASSWORD);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) => alice.send("bob", `m${index}`)),
    );
    expect(results.map((result) => result.seq)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    expect(results.every((result) => result.delivery === "stored")).toBe(true);
  });

  it("rejects values the wire cannot carry locally, as INVALID_ARGUMENT in core's words", async () => {
    let received = 0;
    const port = await fakeServer((frame, socket) => {
      if (frame.type === "hel") hey(socket);
      else received++;
    });
    const wire = await client(port);
    await expect(wire.send("a".repeat(17), "hi")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: coreRefusal(validateUsername, "a".repeat(17)).message,
    });
    await expect(wire.ack(-1)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: coreRefusal(validateSequence, -1).message,
    });
    await expect(wire.listAccounts({ pageSize: 2 ** 40 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: coreRefusal(validatePageSize, 2 ** 40).message,
    });
    await expect(wire.listAccounts({ cursor: "c".repeat(65) })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "invalid page cursor",
    });
    expect(received).toBe(0);
  });

  it("gives up connecting to a server that never says hey, after connectTimeoutMs", async () => {
    const port = await fakeServer(() => {});
    const wire = new WireClient({ host: "127.0.0.1", port, connectTimeoutMs: 100 });
    deferCleanup(() => wire.close());
    await expect(wire.connect()).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: "could not connect to the server within 100 ms",
    });
    expect(wire.state).toBe("closed");
    expect(await wire.closed).toMatchObject({ code: "UNAVAILABLE" });
  });

  it("drops the late answer of a request past its deadline; the next answer goes to the next request", async () => {
    const held: Socket[] = [];
    const port = await fakeServer((frame, socket) => {
      if (frame.type === "hel") hey(socket);
      else if (frame.type === "reg") held.push(socket);
      else if (frame.type === "lsq") {
        // Answers the held registration first, as the protocol's order demands, then the listing.
        socket.write(encodeFrame({ type: "ok" }));
        socket.write(encodeFrame({ type: "lse" }));
      }
    });
    const wire = await client(port, { requestTimeoutMs: 50 });
    await expect(wire.register("slow", PASSWORD)).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: "the server did not answer within 50 ms",
    });
    expect(held).toHaveLength(1);
    // The listing gets a deadline of its own: 50 ms was too short on a loaded machine (one run timed it out).
    expect(await wire.listAccounts({}, { timeoutMs: 10_000 })).toEqual({ usernames: [] });
    expect(wire.state).toBe("open");
  });

  it("fails pending requests, ends messages and settles closed with UNAVAILABLE when the server vanishes", async () => {
    const port = await fakeServer((frame, socket) => {
      if (frame.type === "hel") hey(socket);
      else if (frame.type === "log") {
        socket.write(encodeFrame({ type: "lin", username: "alice" }));
        socket.write(encodeFrame({ type: "dlv", seq: 1, sentAt: 5, from: "bob", content: "hi" }));
      } else if (frame.type === "msg") socket.destroy();
    });
    const wire = await client(port);
    await wire.login("alice", PASSWORD);
    // The fake server drops the line on the send, so it is never answered.
    const gone = expect(wire.send("bob", "never answered")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    const messages: string[] = [];
    for await (const message of wire.messages) messages.push(message.content);
    expect(messages).toEqual(["hi"]);
    await gone;
    expect(await wire.closed).toMatchObject({ code: "UNAVAILABLE" });
    await expect(wire.listAccounts()).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });

  it("speaks compact framing with a server that grants it, fixed when told to or when the server lacks it", async () => {
    const port = await realServer();
    const compact = await client(port);
    const fixed = new WireClient({ host: "127.0.0.1", port, framing: "fixed" });
    deferCleanup(() => fixed.close());
    await fixed.connect();
    expect([compact.framing, fixed.framing]).toEqual(["compact", "fixed"]);
    await compact.register("alice", PASSWORD);
    await fixed.register("bob", PASSWORD);
    await compact.login("alice", PASSWORD);
    await fixed.login("bob", PASSWORD);
    const inbox = fixed.messages[Symbol.asyncIterator]();
    await compact.send("bob", "héllo");
    expect(await inbox.next()).toMatchObject({ value: { from: "alice", content: "héllo" } });

    const fixedOnly = await fakeServer((frame, socket) => {
      if (frame.type === "hel") hey(socket);
      if (frame.type === "reg") socket.write(encodeFrame({ type: "ok" }));
    });
    const fallback = await client(fixedOnly);
    expect(fallback.framing).toBe("fixed");
    await fallback.register("carol", PASSWORD);
  });

  it("gives up on a server that stops answering pings", async () => {
    const port = await fakeServer((frame, socket) => {
      if (frame.type === "hel") hey(socket);
    });
    const wire = await client(port, { heartbeatIntervalMs: 40, heartbeatTimeoutMs: 200 });
    expect(await wire.closed).toMatchObject({ code: "UNAVAILABLE", message: "the server stopped answering" });
  });

  it("refuses a server that lacks a feature it needs, and reports a full server", async () => {
    const partial = await fakeServer((frame, socket) => {
      if (frame.type === "hel") hey(socket, FIXED_SERVER_FEATURES & ~1);
    });
    await expect(new WireClient({ host: "127.0.0.1", port: partial }).connect()).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    const full = await fakeServer((_frame, socket) => {
      socket.end(
        encodeFrame({ type: "err", text: "RESOURCE_EXHAUSTED: the server is full; try again later" }),
      );
    });
    await expect(new WireClient({ host: "127.0.0.1", port: full }).connect()).rejects.toMatchObject({
      code: "RESOURCE_EXHAUSTED",
    });
  });
});
