import { MemoryStore, UNLIMITED_RATE } from "@chat/core";
import { type ClientDuplexStream, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { responsesOf } from "./chat-batch.js";
import { MAX_CHAT_REQUESTS_IN_FLIGHT } from "./chat-call.js";
import {
  type BatchedChatRequest,
  type BatchedChatResponse,
  ChatRequest,
  type ChatResponse,
} from "./gen/chat/v1/chat.js";
import { GrpcClient } from "./grpc-client.js";
import { DEFAULT_MAX_CHAT_MESSAGE_BYTES, DEFAULT_MAX_REQUEST_BYTES } from "./limits.js";
import {
  bearer,
  closedAfterEachTest,
  eventually,
  rawLogin,
  type TestBed,
  unary,
} from "./testing/grpc-test-kit.js";

const start = closedAfterEachTest();

/** Logs in `user` and `peer`, opens `user`'s Chat stream and waits until the server attached it. */
async function attachedChat(bed: TestBed, user: string, peer: string): Promise<RawChat> {
  const token = await rawLogin(bed, user);
  await rawLogin(bed, peer);
  const chat = openChat(bed, token);
  await chat.attached;
  return chat;
}

/** Ends the client's side of `chat` and expects the server to end the stream with OK. */
async function expectCleanEnd(chat: RawChat): Promise<void> {
  chat.call.end();
  expect((await chat.ended).code).toBe(status.OK);
}

/** 1, 2, …, n: the sequence numbers or request ids of n messages in order. */
function oneTo(n: number): number[] {
  return Array.from({ length: n }, (_, index) => index + 1);
}

/**
 * One Chat stream message carrying a send to `to` of each of `contents` (request ids 1, 2, …): the first as
 * the message's own request, the rest joined in `more`.
 */
function joinedSends(to: string, contents: readonly string[]): ChatRequest {
  const [first, ...rest]: BatchedChatRequest[] = contents.map((content, index) => ({
    requestId: index + 1,
    send: { to, content },
  }));
  return { ...(first as BatchedChatRequest), more: { requests: rest } };
}

/**
 * A raw Chat stream of the session `token`, its responses collected (those batched in one stream message
 * one by one, in order) and its end recorded.
 */
interface RawChat {
  readonly call: ClientDuplexStream<ChatRequest, ChatResponse>;
  readonly responses: BatchedChatResponse[];
  /** Resolves with the status the stream ended with (OK included). */
  readonly ended: Promise<{ code: number; details: string }>;
  /** Resolves once the server attached the stream (its headers arrived). */
  readonly attached: Promise<void>;
}

function openChat(bed: TestBed, token: string, read = true): RawChat {
  const call = bed.raw.chat(bearer(token));
  const responses: BatchedChatResponse[] = [];
  if (read) call.on("data", (message: ChatResponse) => responses.push(...responsesOf(message)));
  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    call.on("status", (end) => resolve({ code: end.code, details: end.details }));
    call.on("error", (error: ServiceError) => resolve({ code: error.code, details: error.details }));
  });
  const attached = new Promise<void>((resolve) => call.once("metadata", () => resolve()));
  return { call, responses, ended, attached };
}

describe("the Chat stream", () => {
  it("answers each request under its id, a bad one with a failure, and goes on", async () => {
    const bed = await start();
    const chat = await attachedChat(bed, "alice", "bob");
    chat.call.write({ requestId: 7, send: { to: "bob", content: "hi" } });
    chat.call.write({ requestId: 8, send: { to: "bob", content: "x".repeat(513) } });
    chat.call.write({ requestId: 9, send: { to: "nobody", content: "hi" } });
    chat.call.write({ requestId: 10, ack: { upToSeq: 5 } });
    chat.call.write({ requestId: 11 });
    chat.call.write({ requestId: 12, send: { to: "bob", content: "again" } });
    await eventually(() => chat.responses.length === 6);
    const byId = new Map(chat.responses.map((response) => [response.requestId, response]));
    expect(byId.get(7)?.sent).toMatchObject({ seq: 1 });
    expect(byId.get(8)?.failure?.code).toBe(status.INVALID_ARGUMENT);
    expect(byId.get(9)?.failure?.code).toBe(status.NOT_FOUND);
    expect(byId.get(10)?.failure?.code).toBe(status.INVALID_ARGUMENT);
    expect(byId.get(11)?.failure).toEqual({
      code: status.INVALID_ARGUMENT,
      message: "a Chat request needs a send or an ack",
    });
    expect(byId.get(12)?.sent).toMatchObject({ seq: 2 });
    // The client ends its side: the server ends the stream with OK.
    await expectCleanEnd(chat);
  });

  it("handles the requests batched in one stream message in order, past the in-flight cap", async () => {
    const store = new MemoryStore();
    const bed = await start({ service: { store } });
    const chat = await attachedChat(bed, "ivan", "judy");
    // More requests in one message than the server handles at once: the rest wait for free places.
    const total = MAX_CHAT_REQUESTS_IN_FLIGHT * 2 + 1;
    const contents = oneTo(total).map((id) => `b${id}`);
    chat.call.write(joinedSends("judy", contents));
    // A message with only `more`: its requests, and no request of its own to fail.
    chat.call.write({ requestId: 0, more: { requests: [{ requestId: total + 1, ack: { upToSeq: 1 } }] } });
    await eventually(() => chat.responses.length === total + 1);
    const byId = new Map(chat.responses.map((response) => [response.requestId, response]));
    expect(byId.size).toBe(total + 1);
    for (let id = 1; id <= total; id++) expect(byId.get(id)?.sent?.seq).toBe(id);
    expect(byId.get(total + 1)?.failure?.code).toBe(status.INVALID_ARGUMENT);
    const stored = await store.readMessages("judy", 0, total + 1);
    expect(stored.map((message) => message.content)).toEqual(contents);
    await expectCleanEnd(chat);
  });

  it("joins the messages ready at once into a few stream messages, each once and in order", async () => {
    const bed = await start();
    const token = await rawLogin(bed, "kate");
    const sender = await rawLogin(bed, "leo");
    const total = 50;
    for (let index = 1; index <= total; index++) {
      await unary(
        bed.raw.sendMessage.bind(bed.raw),
        { to: "kate", content: "z".repeat(512) },
        bearer(sender),
      );
    }
    const messages: ChatResponse[] = [];
    const chat = openChat(bed, token);
    chat.call.on("data", (message: ChatResponse) => messages.push(message));
    await eventually(() => chat.responses.length === total);
    expect(chat.responses.map((response) => response.message?.seq)).toEqual(oneTo(total));
    // 50 stored messages of 512 bytes, ready at once, go in a few stream messages within the send limit.
    expect(messages.length).toBeLessThan(total / 10);
    chat.call.cancel();
  });

  it("refuses an oversize request with RESOURCE_EXHAUSTED, storing nothing; the session goes on", async () => {
    const bed = await start();
    const token = await rawLogin(bed, "big");
    const chat = openChat(bed, token);
    await chat.attached;
    // Past the Chat message limit (a unary request's limit is lower, see limits.test.ts).
    chat.call.write({
      requestId: 1,
      send: { to: "big", content: "x".repeat(DEFAULT_MAX_CHAT_MESSAGE_BYTES) },
    });
    expect((await chat.ended).code).toBe(status.RESOURCE_EXHAUSTED);
    const again = openChat(bed, token);
    await again.attached;
    again.call.write({ requestId: 2, send: { to: "big", content: "small" } });
    await eventually(() => again.responses.some((response) => response.requestId === 2));
    // Sequence 1: the oversize request never reached the service. The message itself comes live.
    expect(again.responses.find((response) => response.requestId === 2)?.sent?.seq).toBe(1);
    again.call.cancel();
  });

  it("takes a stream message of joined requests larger than a unary request may be", async () => {
    const bed = await start();
    const chat = await attachedChat(bed, "mia", "ned");
    // 24 sends of 512 bytes: about 13 KiB in one message, over DEFAULT_MAX_REQUEST_BYTES (4 KiB).
    const total = 24;
    const message = joinedSends(
      "ned",
      Array.from({ length: total }, () => "y".repeat(512)),
    );
    const bytes = ChatRequest.encode(message).finish().length;
    expect(bytes).toBeGreaterThan(DEFAULT_MAX_REQUEST_BYTES);
    expect(bytes).toBeLessThanOrEqual(DEFAULT_MAX_CHAT_MESSAGE_BYTES);
    chat.call.write(message);
    await eventually(() => chat.responses.length === total);
    expect(chat.responses.map((response) => response.sent?.seq).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      oneTo(total),
    );
    await expectCleanEnd(chat);
  });

  it("takes the account offline when the client cancels, and keeps its session", async () => {
    const bed = await start();
    const token = await rawLogin(bed, "carol");
    const sender = await rawLogin(bed, "dave");
    const chat = openChat(bed, token);
    await chat.attached;
    const send = () =>
      unary(bed.raw.sendMessage.bind(bed.raw), { to: "carol", content: "hello" }, bearer(sender));
    expect((await send()).delivery).toBe(1); // live
    chat.call.cancel();
    await eventually(() => !bed.service.isOnline("carol"));
    expect((await send()).delivery).toBe(2); // stored
    expect(bed.service.isLoggedIn("carol")).toBe(true);
    const back = openChat(bed, token);
    await back.attached;
    await eventually(() => back.responses.filter((response) => response.message).length >= 2);
    back.call.cancel();
  });

  it("ends a stream whose client never reads with RESOURCE_EXHAUSTED; the messages stay stored", async () => {
    // A flood far past the send limit's default, which is not what this test is about.
    const bed = await start({
      server: { drainTimeoutMs: 300 },
      service: { limits: { sendsPerSession: UNLIMITED_RATE } },
    });
    const token = await rawLogin(bed, "slow");
    const sender = await rawLogin(bed, "fast");
    const stuck = openChat(bed, token, false);
    await stuck.attached;
    // A reader that stops reading (a stream nobody ever listened to is read on by grpc-js regardless).
    let read = 0;
    stuck.call.on("data", () => read++);
    stuck.call.pause();
    // Well beyond the HTTP/2 stream window (64 KiB) plus the buffers on both sides.
    const total = 1000;
    const sends: Promise<unknown>[] = [];
    for (let index = 0; index < total; index++) {
      sends.push(
        unary(bed.raw.sendMessage.bind(bed.raw), { to: "slow", content: "x".repeat(500) }, bearer(sender)),
      );
    }
    await Promise.all(sends);
    await eventually(() => !bed.service.isOnline("slow"), 5_000);
    // The final status comes after the data the client has not read yet.
    stuck.call.resume();
    expect((await stuck.ended).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(read).toBeLessThan(total);
    const reader = openChat(bed, token);
    await reader.attached;
    await eventually(() => reader.responses.length === total, 10_000);
    expect(reader.responses.map((response) => response.message?.seq)).toEqual(oneTo(total));
    reader.call.cancel();
  });

  it("stops reading requests while their answers are not read, and catches up once they are", async () => {
    const store = new MemoryStore();
    const bed = await start({ service: { store, limits: { sendsPerSession: UNLIMITED_RATE } } });
    const token = await rawLogin(bed, "eve");
    await rawLogin(bed, "frank");
    // Enough answers (about 30 bytes each on the wire) to fill the HTTP/2 window towards the client.
    const total = 20_000;
    const chat = openChat(bed, token, false);
    await chat.attached;
    for (let index = 1; index <= total; index++) {
      chat.call.write({ requestId: index, send: { to: "frank", content: "y" } });
    }
    // Waited for, not slept on: a loaded machine may take a while to handle the first send.
    let handledWhileUnread = 0;
    while (handledWhileUnread === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      handledWhileUnread = (await store.readMessages("frank", 0, total)).length;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    handledWhileUnread = (await store.readMessages("frank", 0, total)).length;
    // The answers fill the stream's buffers, the server stops reading, and HTTP/2 holds the rest back.
    expect(handledWhileUnread).toBeGreaterThan(0);
    expect(handledWhileUnread).toBeLessThan(total);
    const answers: BatchedChatResponse[] = [];
    chat.call.on("data", (message: ChatResponse) => answers.push(...responsesOf(message)));
    await eventually(() => answers.length === total, 20_000);
    expect(new Set(answers.map((answer) => answer.requestId)).size).toBe(total);
    expect((await store.readMessages("frank", 0, total)).length).toBe(total);
    chat.call.cancel();
  });
});

describe("GrpcClient and the Chat stream", () => {
  it("runs a session over the stream by default, over Subscribe and unary calls when told to", async () => {
    const bed = await start();
    const streaming = new GrpcClient({ port: bed.port });
    const unaryOnly = new GrpcClient({ port: bed.port, chatStream: false });
    try {
      await Promise.all([streaming.connect(), unaryOnly.connect()]);
      await streaming.register("gina", "correct horse");
      await unaryOnly.register("hank", "correct horse");
      await streaming.login("gina", "correct horse");
      await unaryOnly.login("hank", "correct horse");
      expect([streaming.mode, unaryOnly.mode]).toEqual(["stream", "unary"]);
      const inbox = unaryOnly.messages[Symbol.asyncIterator]();
      const sent = await streaming.send("hank", "over the stream");
      expect(sent).toMatchObject({ seq: 1, delivery: "live" });
      expect((await inbox.next()).value).toMatchObject({ from: "gina", content: "over the stream" });
      await expect(streaming.ack(1)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await streaming.logout();
      expect(streaming.mode).toBe("unary");
    } finally {
      await Promise.all([streaming.close(), unaryOnly.close()]);
    }
  });
});
