import { connect } from "node:net";
import type { ChatService } from "@chat/core";
import { type ChatLimits, UNLIMITED_RATE } from "@chat/core";
import { cleanupAfterEachTest, createTestService, PASSWORD } from "@chat/core/testing";
import { describe, expect, it, vi } from "vitest";
import { decodeCompactFrame } from "./compact-decoder.js";
import { encodeCompactFrame } from "./compact-encoder.js";
import { ALL_FEATURES, Feature, PROTOCOL_VERSION } from "./features.js";
import { encodeFrame } from "./frame-encoder.js";
import { RawClient } from "./testing/raw-client.js";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";
import type { WireServerOptions } from "./wire-server-options.js";

interface Bed {
  readonly service: ChatService;
  readonly server: WireServer;
  readonly port: number;
  raw(): Promise<RawClient>;
  /** A raw client that said hello (every feature) and logged in as `username`; both answers are read. */
  rawLoggedIn(username: string): Promise<RawClient>;
  client(options?: { heartbeatIntervalMs?: number }): Promise<WireClient>;
}

/** Every feature but compact framing: for raw clients that send more frames right behind their `hel`. */
const FIXED_FRAMING_FEATURES = ALL_FEATURES & ~Feature.compactFrames;

const deferCleanup = cleanupAfterEachTest();

async function start(options: WireServerOptions = {}, limits: Partial<ChatLimits> = {}): Promise<Bed> {
  const service = createTestService({ limits });
  const server = new WireServer(service, options);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  deferCleanup(() => server.close());
  const raw = async (): Promise<RawClient> => {
    const client = await RawClient.open(port);
    deferCleanup(() => client.destroy());
    return client;
  };
  return {
    service,
    server,
    port,
    raw,
    async rawLoggedIn(username) {
      const client = await raw();
      client.send(
        { type: "hel", version: 1, features: FIXED_FRAMING_FEATURES },
        { type: "log", username, password: PASSWORD },
      );
      await client.take(2);
      return client;
    },
    async client(clientOptions = {}) {
      const client = new WireClient({ host: "127.0.0.1", port, ...clientOptions });
      await client.connect();
      deferCleanup(() => client.close());
      return client;
    },
  };
}

describe("WireServer protocol handling", () => {
  it("answers hello with its version and the common features, then extension frames", async () => {
    const bed = await start();
    const client = await bed.raw();
    client.send({
      type: "hel",
      version: 7,
      features: Feature.structuredReplies | Feature.listPages | 0x8000,
    });
    expect(await client.next()).toEqual({
      type: "hey",
      version: PROTOCOL_VERSION,
      features: Feature.structuredReplies | Feature.listPages,
    });
    client.send(
      { type: "reg", username: "alice", password: PASSWORD },
      { type: "lsq", pattern: "" },
      { type: "out" },
    );
    expect(await client.take(4)).toEqual([
      { type: "ok" },
      { type: "lsn", names: ["alice"] },
      { type: "lse" },
      { type: "erx", status: 9, text: "code 14 (out) needs a feature negotiated with hello" },
    ]);
  });

  it("switches both directions to compact framing right after a hello that asks for it", async () => {
    const bed = await start();
    const socket = connect({ host: "127.0.0.1", port: bed.port });
    deferCleanup(() => void socket.destroy());
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    await new Promise((resolve) => socket.once("connect", resolve));
    const bytesSoFar = async (length: number) => {
      await vi.waitFor(() => expect(Buffer.concat(received).length).toBeGreaterThanOrEqual(length));
      return Buffer.concat(received.splice(0)).toString("hex");
    };
    socket.write(
      encodeFrame({ type: "hel", version: 1, features: Feature.structuredReplies | Feature.compactFrames }),
    );
    // `hey` itself is fixed: 7 bytes.
    expect(await bytesSoFar(7)).toBe("0a000100000050");
    // reg compact, written out by hand: length, code 0, "alice" and the password each after its length;
    // then an acf whose wildcard is bad UTF-8 (length 4, code 4, a 2-byte string 61 ff).
    const password = Buffer.from(PASSWORD);
    const body = Buffer.concat([
      Uint8Array.of(0, 5),
      Buffer.from("alice"),
      Uint8Array.of(password.length),
      password,
    ]);
    socket.write(Buffer.concat([Uint8Array.of(body.length), body, Buffer.from("04040261ff", "hex")]));
    // ok (length 1, code 0x14), then erx INVALID_ARGUMENT naming the bad field, compact.
    const answer = await bytesSoFar(4);
    expect(answer.slice(0, 4)).toBe("0114");
    expect(decodeCompactFrame(Buffer.from(answer.slice(4), "hex"))).toMatchObject({ type: "erx", status: 3 });
  });

  it("refuses hello after the first frame, and keeps going", async () => {
    const client = await (await start()).raw();
    client.send({ type: "acd" }, { type: "hel", version: 1, features: ALL_FEATURES }, { type: "acd" });
    const frames = await client.take(3);
    expect(frames.map((frame) => frame.type)).toEqual(["suc", "err", "suc"]);
    expect(frames[1]).toMatchObject({ text: expect.stringMatching(/hello must be the first frame/) });
  });

  it("answers a bad field with err naming it, in order, and the connection goes on", async () => {
    const client = await (await start()).raw();
    const bad = encodeFrame({ type: "acf", pattern: "ab" });
    bad[2] = 0xff;
    client.sendBytes(Buffer.concat([encodeFrame({ type: "acd" }), bad, encodeFrame({ type: "acd" })]));
    const frames = await client.take(3);
    expect(frames[0]?.type).toBe("suc");
    expect(frames[1]).toEqual({
      type: "err",
      text: "INVALID_ARGUMENT: bad frame: frame code 4: field wildcard is not valid UTF-8",
    });
    expect(frames[2]?.type).toBe("suc");
  });

  it("stores a mid sent twice once, refuses mid without its feature, and a malformed id field", async () => {
    const bed = await start();
    const client = await bed.raw();
    client.send({ type: "hel", version: 1, features: Feature.structuredReplies });
    expect(await client.next()).toMatchObject({ type: "hey", features: Feature.structuredReplies });
    const mid = { type: "mid", to: "alice", clientMessageId: Uint8Array.of(1, 2), content: "once" } as const;
    client.send(
      { type: "reg", username: "alice", password: PASSWORD },
      { type: "log", username: "alice", password: PASSWORD },
      mid,
    );
    expect((await client.take(3))[2]).toEqual({
      type: "erx",
      status: 9,
      text: "code 24 (mid) needs a feature negotiated with hello",
    });

    const idempotent = await bed.raw();
    idempotent.send({
      type: "hel",
      version: 1,
      features: Feature.structuredReplies | Feature.idempotentSend,
    });
    await idempotent.next();
    await bed.service.register("bob", PASSWORD);
    idempotent.send({ type: "log", username: "bob", password: PASSWORD }, mid, mid);
    const [, first, again] = await idempotent.take(3);
    expect(first).toMatchObject({ type: "snt", seq: 1, delivery: "live" });
    expect(again).toEqual(first);
    const empty = encodeFrame(mid);
    empty[17] = 0;
    const dirty = encodeFrame(mid);
    dirty[18 + 5] = 9;
    idempotent.sendBytes(Buffer.concat([empty, dirty, encodeFrame({ ...mid, content: "other" })]));
    expect(await idempotent.take(3)).toEqual([
      { type: "erx", status: 3, text: "bad frame: frame code 24: field clientMessageId length must be 1-32" },
      {
        type: "erx",
        status: 3,
        text: "bad frame: frame code 24: field clientMessageId must be zero past its length",
      },
      {
        type: "erx",
        status: 3,
        text: "this client message id was already used for a different message (another recipient or content)",
      },
    ]);
  });

  it("answers the requests before an unknown code, then says so and closes", async () => {
    const bed = await start();
    const seed = await bed.raw();
    seed.sendBytes(Buffer.concat([encodeFrame({ type: "acd" }), Uint8Array.of(200, 1, 2, 3)]));
    expect((await seed.next()).type).toBe("suc");
    expect(await seed.next()).toEqual({
      type: "err",
      text: "INVALID_ARGUMENT: unknown message code 200; closing the connection",
    });
    await seed.waitClosed();

    const extended = await bed.raw();
    extended.send({ type: "hel", version: 1, features: FIXED_FRAMING_FEATURES });
    await extended.next();
    extended.sendBytes(Uint8Array.of(99));
    expect(await extended.next()).toMatchObject({ type: "bye", status: 3 });
    await extended.waitClosed();

    const compact = await bed.raw();
    compact.send({ type: "hel", version: 1, features: ALL_FEATURES });
    expect(await compact.next()).toEqual({ type: "hey", version: 1, features: ALL_FEATURES });
    compact.sendBytes(Uint8Array.of(1, 99)); // a compact frame of length 1 whose code is 99
    expect(await compact.next()).toMatchObject({ type: "bye", status: 3 });
    await compact.waitClosed();
  });
});

describe("WireServer robustness", () => {
  it("survives thousands of random and malformed frames over many connections without losing mail", async () => {
    const bed = await start({ partialFrameTimeoutMs: 300 });
    const alice = await bed.client();
    await alice.register("alice", PASSWORD);
    await alice.register("bob", PASSWORD);
    await alice.login("alice", PASSWORD);
    for (let index = 1; index <= 50; index++) await alice.send("bob", `stored ${index}`);
    const heapBefore = process.memoryUsage().heapUsed;

    const { default: fc } = await import("fast-check");
    const { anyFrame } = await import("./testing/frame-arbitraries.js");
    const garbage = fc.oneof(
      { weight: 3, arbitrary: anyFrame.map((frame) => encodeFrame(frame)) },
      {
        weight: 1,
        arbitrary: fc.tuple(anyFrame, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([frame, at, byte]) => {
          const bytes = encodeFrame(frame);
          bytes[Math.max(1, at % bytes.length)] = byte;
          return bytes;
        }),
      },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }) },
    );
    const streams = fc.sample(fc.array(garbage, { minLength: 100, maxLength: 200 }), {
      numRuns: 40,
      seed: 42,
    });
    const compactGarbage = fc.oneof(
      { weight: 3, arbitrary: anyFrame.map((frame) => encodeCompactFrame(frame)) },
      {
        weight: 1,
        arbitrary: fc.tuple(anyFrame, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([frame, at, byte]) => {
          const bytes = encodeCompactFrame(frame);
          bytes[at % bytes.length] = byte;
          return bytes;
        }),
      },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }) },
    );
    const compactStreams = fc.sample(fc.array(compactGarbage, { minLength: 100, maxLength: 200 }), {
      numRuns: 40,
      seed: 43,
    });
    let frames = 0;
    await Promise.all(
      streams.map(async (stream, index) => {
        const client = await RawClient.open(bed.port);
        // A third stay seed clients, a third say hello in fixed framing, a third in compact framing.
        if (index % 3 === 1) client.send({ type: "hel", version: 1, features: FIXED_FRAMING_FEATURES });
        if (index % 3 === 2) client.send({ type: "hel", version: 1, features: ALL_FEATURES });
        for (const bytes of index % 3 === 2 ? (compactStreams[index] ?? []) : stream) client.sendBytes(bytes);
        frames += index % 3 === 2 ? (compactStreams[index]?.length ?? 0) : stream.length;
        // Give the server time to answer what it can, then drop the connection like a crashed client.
        await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 400))]);
        client.destroy();
      }),
    );
    expect(frames).toBeGreaterThan(4000);

    // A well-behaved client still gets correct answers and every stored message.
    const bob = await bed.client();
    expect(await bob.login("bob", PASSWORD)).toEqual({ username: "bob" });
    const received: string[] = [];
    for await (const message of bob.messages) {
      received.push(message.content);
      if (received.length === 50) break;
    }
    expect(received).toEqual(Array.from({ length: 50 }, (_, index) => `stored ${index + 1}`));
    expect((await bob.listAccounts({ pattern: "?o?" })).usernames).toContain("bob");
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(2), { timeout: 3_000 });
    expect(bed.server.stats().bufferedBytes).toBeLessThan(64 * 1024);
    // A loose bound: the run must not leave a pile of memory behind.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(128 * 1024 * 1024);
  });

  it("stops feeding a client that never reads, drops it, and keeps its messages stored", async () => {
    const highWaterMark = 64 * 1024;
    // A flood far past the send limit's default, which is not what this test is about. The drain timeout
    // is long enough that the sender, which reads its answers, is never dropped on a loaded machine (at
    // 400 ms it was, about one run in three at load 12).
    const bed = await start(
      { writeHighWaterMark: highWaterMark, drainTimeoutMs: 2_000 },
      { sendsPerSession: UNLIMITED_RATE },
    );
    const alice = await bed.client();
    await alice.register("alice", PASSWORD);
    await alice.register("bob", PASSWORD);
    await alice.login("alice", PASSWORD);

    const stuck = await bed.rawLoggedIn("bob");
    stuck.socket.pause(); // never reads again

    const total = 12_000;
    const content = "x".repeat(512);
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, bed.server.stats().largestBufferedBytes);
    }, 2);
    const sends: Array<Promise<unknown>> = [];
    for (let index = 0; index < total; index++) sends.push(alice.send("bob", content));
    await Promise.all(sends);
    await vi.waitFor(() => expect(bed.service.isLoggedIn("bob")).toBe(false), { timeout: 30_000 });
    clearInterval(sampler);
    // Bounded per connection: the mark, plus one staging batch and one frame in flight.
    expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + 64 * 1024 + 1024);

    const bob = await bed.client();
    await bob.login("bob", PASSWORD);
    let expected = 1;
    for await (const message of bob.messages) {
      expect(message.seq).toBe(expected);
      if (expected === total) break;
      expected++;
    }
    await bob.ack(total);
  });
});

describe("WireServer timeouts", () => {
  it("closes a connection that drips a frame too slowly", async () => {
    const bed = await start({ partialFrameTimeoutMs: 200 });
    const client = await bed.raw();
    const frame = encodeFrame({ type: "reg", username: "slow", password: PASSWORD });
    let sent = 0;
    const drip = setInterval(() => client.sendBytes(frame.subarray(sent, ++sent)), 40);
    await client.waitClosed(2_000);
    clearInterval(drip);
    expect(client.received).toEqual([
      { type: "err", text: "UNAVAILABLE: a frame was left half-sent for too long" },
    ]);
    expect(sent).toBeLessThan(frame.length);
  });

  it("closes an idle connection without a session, but not a logged-in one", async () => {
    const bed = await start({ idleTimeoutMs: 200 });
    const idle = await bed.raw();
    const busy = await bed.raw();
    busy.send(
      { type: "reg", username: "user", password: PASSWORD },
      { type: "log", username: "user", password: PASSWORD },
    );
    await busy.take(2);
    await idle.waitClosed(2_000);
    expect(idle.received).toEqual([
      { type: "err", text: "UNAVAILABLE: closed after a long time without a login or a request" },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    busy.send({ type: "acd" });
    expect(await busy.next()).toEqual({ type: "suc", text: "accounts [1/1]: user" });
  });

  it("ends the session of a peer that stops answering heartbeats, so the account can log in again", async () => {
    const bed = await start({ heartbeatIntervalMs: 50, heartbeatTimeoutMs: 250 });
    const setup = await bed.client();
    await setup.register("alice", PASSWORD);
    const alive = await bed.client({ heartbeatIntervalMs: 0 });
    await alive.register("carol", PASSWORD);
    await alive.login("carol", PASSWORD);

    const silent = await bed.rawLoggedIn("alice");
    expect(bed.service.isLoggedIn("alice")).toBe(true);
    await silent.waitClosed(2_000);
    expect(silent.received.some((frame) => frame.type === "png")).toBe(true);
    expect(bed.service.isLoggedIn("alice")).toBe(false);
    const again = await bed.client();
    expect(await again.login("alice", PASSWORD)).toEqual({ username: "alice" });

    // The WireClient answers pings by itself, so it stays connected.
    expect(bed.service.isLoggedIn("carol")).toBe(true);
    expect((await alive.listAccounts()).usernames).toEqual(["alice", "carol"]);
  });
});

describe("WireServer limits and shutdown", () => {
  it("caps connections, telling the one too many", async () => {
    const bed = await start({ maxConnections: 2 });
    const first = await bed.raw();
    await bed.raw();
    const third = await bed.raw();
    await third.waitClosed();
    expect(third.received).toEqual([
      { type: "err", text: "RESOURCE_EXHAUSTED: the server is full; try again later" },
    ]);
    first.destroy();
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(1));
    const fourth = await bed.raw();
    fourth.send({ type: "acd" });
    expect((await fourth.next()).type).toBe("suc");
  });

  it("shuts down gracefully: finishes requests already read, tells clients, closes", async () => {
    const bed = await start();
    const seed = await bed.raw();
    const client = await bed.client();
    const names = Array.from({ length: 20 }, (_, index) => `user${index}`);
    seed.send(...names.map((username) => ({ type: "reg" as const, username, password: PASSWORD })));
    await vi.waitFor(() => expect(seed.received.length).toBeGreaterThan(0));
    await bed.server.close();
    await seed.waitClosed();
    expect(seed.received).toHaveLength(21);
    expect(seed.received.slice(0, 20).every((frame) => frame.type === "suc")).toBe(true);
    expect(seed.received[20]).toEqual({ type: "err", text: "UNAVAILABLE: the server is shutting down" });
    expect(await client.closed).toMatchObject({
      code: "UNAVAILABLE",
      message: "the server is shutting down",
    });
    await expect(RawClient.open(bed.port)).rejects.toThrow();
  });
});
