import http2 from "node:http2";
import { connect, type Socket } from "node:net";
import { PASSWORD } from "@chat/core/testing";
import { credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HTTP2_PREFACE_BYTES } from "./framing.js";
import { ChatServiceClient } from "./gen/chat/v1/chat.js";
import { bearer, rawLogin, startTestBed, type TestBed, unary } from "./testing/grpc-test-kit.js";
import { HeaderAppendingProxy } from "./testing/header-appending-proxy.js";

/*
 * The connection and call attacks of issue 13 (items 5 and 8) against a real gRPC server over real
 * sockets. Distinct loopback source addresses (127.0.0.x) stand for distinct hosts; the test bed's own
 * client connects from 127.0.0.1.
 */

const CLIENT_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
/** An empty SETTINGS frame: with the preface, the start of every HTTP/2 connection. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

let bed: TestBed;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await bed.close();
});

/** A raw TCP connection to the server from `localAddress`, destroyed after the test. */
function tcp(localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: bed.port, localAddress }, () => resolve(socket));
    socket.once("error", reject);
    socket.on("error", () => {});
    // Reads (and drops) what the server sends, so the server's close is seen.
    socket.resume();
    cleanups.push(() => {
      socket.destroy();
    });
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once("close", () => resolve());
  });
}

/** An HTTP/2 session of Node's own client, for calls grpc-js would never send half-open. */
function h2(): http2.ClientHttp2Session {
  const session = http2.connect(`http://127.0.0.1:${bed.port}`);
  session.on("error", () => {});
  cleanups.push(() => {
    session.destroy();
  });
  return session;
}

/** The `grpc-status` a raw HTTP/2 call ends with (trailers, or a trailers-only response). */
function grpcStatusOf(stream: http2.ClientHttp2Stream): Promise<number> {
  return new Promise((resolve, reject) => {
    stream.on("error", reject);
    stream.once("response", (headers) => {
      if (headers["grpc-status"] !== undefined) resolve(Number(headers["grpc-status"]));
    });
    stream.once("trailers", (trailers) => resolve(Number(trailers["grpc-status"])));
    stream.resume();
  });
}

/** A gRPC call's request headers on a raw stream; nothing of the body is sent. */
function halfOpenCall(
  session: http2.ClientHttp2Session,
  method: string,
  token?: string,
): http2.ClientHttp2Stream {
  return session.request({
    ":method": "POST",
    ":path": `/chat.v1.ChatService/${method}`,
    "content-type": "application/grpc",
    te: "trailers",
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  });
}

function send(
  client: ChatServiceClient,
  token: string,
  to: string,
  content: string,
  metadata = bearer(token),
) {
  return unary(client.sendMessage.bind(client), { to, content }, metadata);
}

describe("GrpcServer connection caps", () => {
  it("refuses the 17th connection from one address while the others still get in", async () => {
    bed = await startTestBed();
    const crowd: Socket[] = [];
    for (let index = 0; index < 16; index++) {
      const socket = await tcp("127.0.0.2");
      socket.write(Buffer.concat([CLIENT_PREFACE, EMPTY_SETTINGS]));
      crowd.push(socket);
    }
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(16));
    const oneTooMany = await tcp("127.0.0.2");
    await closed(oneTooMany);
    expect(bed.server.stats().refusedConnections).toBe(1);
    expect(crowd.every((socket) => !socket.destroyed)).toBe(true);
    // Another address (the test bed's client, 127.0.0.1) is served.
    await unary(bed.raw.register.bind(bed.raw), { username: "amy", password: PASSWORD });
    expect(bed.server.stats().refusedConnections).toBe(1);
  });

  it("refuses connections past the global cap whatever their address", async () => {
    bed = await startTestBed({ server: { limits: { maxConnections: 3 } } });
    await tcp("127.0.0.3");
    await tcp("127.0.0.4");
    await tcp("127.0.0.5");
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(3));
    const fourth = await tcp("127.0.0.6");
    await closed(fourth);
    expect(bed.server.stats().refusedConnections).toBe(1);
  });
});

describe("GrpcServer preface deadline", () => {
  it("closes a connection that never sends the HTTP/2 preface, and one that drips it", async () => {
    bed = await startTestBed({ server: { limits: { prefaceTimeoutMs: 300 } } });
    const silent = await tcp("127.0.0.7");
    const dripper = await tcp("127.0.0.7");
    let dripped = 0;
    const drip = setInterval(() => {
      if (!dripper.destroyed) dripper.write(CLIENT_PREFACE.subarray(dripped, ++dripped));
    }, 40);
    cleanups.push(() => clearInterval(drip));
    await Promise.all([closed(silent), closed(dripper)]);
    clearInterval(drip);
    expect(dripped).toBeLessThan(HTTP2_PREFACE_BYTES);
    expect(bed.server.stats().silentConnectionsClosed).toBe(2);
    // A real client, which sends the preface at once, is not touched by the deadline.
    await unary(bed.raw.register.bind(bed.raw), { username: "bea", password: PASSWORD });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await unary(bed.raw.register.bind(bed.raw), { username: "cat", password: PASSWORD });
    expect(bed.server.stats().silentConnectionsClosed).toBe(2);
  });
});

describe("GrpcServer request deadline", () => {
  it("ends half-open unary calls with DEADLINE_EXCEEDED", async () => {
    bed = await startTestBed({ server: { limits: { requestTimeoutMs: 300 } } });
    const session = h2();
    // Headers only.
    const noBody = halfOpenCall(session, "Register");
    // The message, but never the end of the request.
    const noEnd = halfOpenCall(session, "Register");
    noEnd.write(Buffer.from([0, 0, 0, 0, 0]));
    const bothClosed = Promise.all(
      [noBody, noEnd].map((stream) => new Promise((resolve) => stream.once("close", resolve))),
    );
    expect(await grpcStatusOf(noBody)).toBe(status.DEADLINE_EXCEEDED);
    expect(await grpcStatusOf(noEnd)).toBe(status.DEADLINE_EXCEEDED);
    expect(bed.server.stats().requestTimeouts).toBe(2);
    // The server then resets the streams its clients never ended, so they hold no stream slot.
    await bothClosed;
  });

  it("ends a Subscribe that never sends its request, and leaves a Chat stream open", async () => {
    bed = await startTestBed({ server: { limits: { requestTimeoutMs: 300 } } });
    const token = await rawLogin(bed, "dan");
    const session = h2();
    const subscribe = halfOpenCall(session, "Subscribe", token);
    expect(await grpcStatusOf(subscribe)).toBe(status.DEADLINE_EXCEEDED);
    // Chat needs no request to start: its metadata names the session, so it is a live stream at once.
    const chat = bed.raw.chat(bearer(token));
    chat.on("error", () => {});
    await new Promise((resolve) => chat.once("metadata", resolve));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(bed.service.isOnline("dan")).toBe(true);
    chat.cancel();
    expect(bed.server.stats().requestTimeouts).toBe(1);
  });

  it("lets a call whose request arrived run as long as it needs", async () => {
    bed = await startTestBed({ server: { limits: { requestTimeoutMs: 100 } } });
    // Register takes a hash; the deadline covers only the request's arrival.
    const token = await rawLogin(bed, "eve");
    await send(bed.raw, token, "eve", "still fine");
    expect(bed.server.stats().requestTimeouts).toBe(0);
  });
});

describe("GrpcServer session lease", () => {
  it("ends a session that never subscribes, kept alive by unary calls, freeing its account's login", async () => {
    // The idle timeout is ten call intervals, so a loaded machine's late timers and slow calls cannot let
    // it run out between two calls.
    bed = await startTestBed({ server: { sessionIdleTimeoutMs: 1_000, sessionRenewalLimitMs: 3_000 } });
    const token = await rawLogin(bed, "fay");
    const loggedInAt = performance.now();
    // One call every tenth of the idle timeout: each renews the lease, but only up to the renewal limit.
    let calls = 0;
    let refused: ServiceError | undefined;
    while (refused === undefined && performance.now() - loggedInAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await send(bed.raw, token, "fay", `keepalive ${calls}`).then(
        () => calls++,
        (error: ServiceError) => {
          refused = error;
        },
      );
    }
    expect(refused?.code).toBe(status.UNAUTHENTICATED);
    // It outlived two idle timeouts, so the calls did renew it, and then it ended.
    expect(calls).toBeGreaterThan(3);
    expect(performance.now() - loggedInAt).toBeGreaterThan(2_000);
    expect(bed.service.isLoggedIn("fay")).toBe(false);
    // The account can log in elsewhere (the same core login a wire client's `log` makes).
    const elsewhere = bed.service.connect();
    await elsewhere.login("fay", PASSWORD);
    expect(bed.service.isLoggedIn("fay")).toBe(true);
    elsewhere.close();
  });

  it("keeps a session whose stream is open past the renewal limit", async () => {
    bed = await startTestBed({ server: { sessionIdleTimeoutMs: 200, sessionRenewalLimitMs: 300 } });
    const token = await rawLogin(bed, "gil");
    const stream = bed.raw.subscribe({}, bearer(token));
    stream.on("error", () => {});
    await new Promise((resolve) => stream.once("metadata", resolve));
    await new Promise((resolve) => setTimeout(resolve, 800));
    await send(bed.raw, token, "gil", "still here");
    expect(bed.service.isOnline("gil")).toBe(true);
    stream.cancel();
  });
});

describe("GrpcServer authorization header", () => {
  async function throughProxy(extraValue: string): Promise<ChatServiceClient> {
    const proxy = await HeaderAppendingProxy.start(bed.port, "authorization", extraValue);
    const client = new ChatServiceClient(`127.0.0.1:${proxy.port}`, credentials.createInsecure());
    cleanups.push(async () => {
      client.close();
      await proxy.close();
    });
    return client;
  }

  it("refuses a request carrying a valid and a garbage authorization header", async () => {
    bed = await startTestBed();
    const token = await rawLogin(bed, "hal");
    const client = await throughProxy("Bearer garbage");
    await expect(send(client, token, "hal", "smuggled")).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
      details: "send exactly one authorization header",
    });
    expect(bed.server.stats().repeatedAuthorizationRefused).toBe(1);
    // Nothing was stored: a login shows an empty mailbox.
    await unary(bed.raw.logout.bind(bed.raw), {}, bearer(token));
    const again = await rawLogin(bed, "hal", false);
    const stream = bed.raw.subscribe({}, bearer(again));
    stream.on("error", () => {});
    const received: string[] = [];
    stream.on("data", (response: { message?: { content: string } }) =>
      received.push(response.message?.content ?? ""),
    );
    await new Promise((resolve) => stream.once("metadata", resolve));
    await send(bed.raw, again, "hal", "marker");
    await vi.waitFor(() => expect(received).toContain("marker"));
    expect(received).toEqual(["marker"]);
    stream.cancel();
  });

  it("refuses the garbage-first order too, and any call, login included", async () => {
    bed = await startTestBed();
    const token = await rawLogin(bed, "ivy");
    const client = await throughProxy(`Bearer ${token}`);
    const garbageFirst = new Metadata();
    garbageFirst.set("authorization", "Bearer garbage");
    await expect(send(client, token, "ivy", "x", garbageFirst)).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    await expect(
      unary(client.login.bind(client), { username: "ivy", password: PASSWORD }, garbageFirst),
    ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    expect(bed.server.stats().repeatedAuthorizationRefused).toBe(2);
  });

  it("accepts one authorization header with a lower-case bearer scheme", async () => {
    bed = await startTestBed();
    const token = await rawLogin(bed, "jo");
    const metadata = new Metadata();
    metadata.set("authorization", `bearer ${token}`);
    const sent = await send(bed.raw, token, "jo", "lower case", metadata);
    expect(sent.seq).toBeGreaterThan(0);
  });
});
