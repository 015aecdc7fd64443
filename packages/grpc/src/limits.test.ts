import { ChatError, CONTENT_MAX_BYTES } from "@chat/core";
import { PASSWORD } from "@chat/core/testing";
import { connectivityState, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_CHAT_BATCH_BYTES } from "./chat-batch.js";
import type { SubscribeResponse } from "./gen/chat/v1/chat.js";
import { GrpcClient } from "./grpc-client.js";
import {
  clientChannelOptions,
  DEFAULT_GRPC_CLIENT_LIMITS,
  DEFAULT_GRPC_SERVER_LIMITS,
  DEFAULT_MAX_CHAT_MESSAGE_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  serverChannelOptions,
} from "./limits.js";
import {
  bearer,
  eventually,
  rawLogin,
  slowHasher,
  startTestBed,
  type TestBed,
  unary,
} from "./testing/grpc-test-kit.js";

const beds: TestBed[] = [];

/** A test bed closed after the test. */
async function start(options?: Parameters<typeof startTestBed>[0]): Promise<TestBed> {
  const bed = await startTestBed(options);
  beds.push(bed);
  return bed;
}

afterEach(async () => {
  await Promise.all(beds.splice(0).map((bed) => bed.close()));
});

const LIST_ALL = { pattern: "", pageToken: "" };

function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error("the call succeeded");
    },
    (error: ServiceError) => error,
  );
}

describe("gRPC limits", () => {
  it("sizes message limits to the largest real messages, not grpc-js's 4 MiB", () => {
    // The largest request: a SendMessage of maximal content and recipient.
    expect(DEFAULT_MAX_REQUEST_BYTES).toBeGreaterThan(CONTENT_MAX_BYTES + 64);
    expect(DEFAULT_MAX_REQUEST_BYTES).toBeLessThanOrEqual(8 * 1024);
    // The largest Chat stream message: requests joined up to the batch size both sides use.
    expect(DEFAULT_MAX_CHAT_MESSAGE_BYTES).toBe(MAX_CHAT_BATCH_BYTES);
    expect(DEFAULT_GRPC_SERVER_LIMITS.maxChatMessageBytes).toBe(DEFAULT_MAX_CHAT_MESSAGE_BYTES);
    expect(DEFAULT_GRPC_CLIENT_LIMITS.maxSendMessageBytes).toBe(DEFAULT_MAX_CHAT_MESSAGE_BYTES);
    // grpc-js's one receive limit is the larger; the unary limit is the server's own (tested below).
    expect(serverChannelOptions(DEFAULT_GRPC_SERVER_LIMITS)["grpc.max_receive_message_length"]).toBe(
      DEFAULT_MAX_CHAT_MESSAGE_BYTES,
    );
    // The largest response: a full ListAccounts page, 1000 names of 16 bytes.
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBeGreaterThan(1000 * 18 + 64);
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBeLessThanOrEqual(64 * 1024);
  });

  it("configures keepalive with pings permitted without calls, and connection idle and age limits", () => {
    const options = serverChannelOptions(DEFAULT_GRPC_SERVER_LIMITS);
    expect(options).toMatchObject({
      "grpc.keepalive_time_ms": DEFAULT_GRPC_SERVER_LIMITS.keepaliveTimeMs,
      "grpc.keepalive_timeout_ms": DEFAULT_GRPC_SERVER_LIMITS.keepaliveTimeoutMs,
      "grpc.keepalive_permit_without_calls": 1,
      "grpc.max_connection_idle_ms": DEFAULT_GRPC_SERVER_LIMITS.maxConnectionIdleMs,
      "grpc.max_connection_age_ms": DEFAULT_GRPC_SERVER_LIMITS.maxConnectionAgeMs,
      "grpc.max_concurrent_streams": DEFAULT_GRPC_SERVER_LIMITS.maxConcurrentStreams,
    });
    expect(options["grpc.max_connection_age_grace_ms"]).toBeUndefined();
  });

  it("switches grpc-js's channelz statistics off on both sides (nothing serves or reads them)", () => {
    expect(serverChannelOptions(DEFAULT_GRPC_SERVER_LIMITS)["grpc.enable_channelz"]).toBe(0);
    expect(clientChannelOptions(DEFAULT_GRPC_CLIENT_LIMITS)["grpc.enable_channelz"]).toBe(0);
  });

  it("refuses an oversize request with RESOURCE_EXHAUSTED before it reaches the service", async () => {
    const bed = await start();
    const token = await rawLogin(bed, "big");
    const error = await failure(
      unary(bed.raw.sendMessage.bind(bed.raw), { to: "big", content: "x".repeat(8 * 1024) }, bearer(token)),
    );
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    // Refused by the unary limit, although grpc-js's own (the Chat message limit) let it through.
    expect(error.details).toMatch(
      `a SendMessage request may have at most ${DEFAULT_MAX_REQUEST_BYTES} bytes`,
    );
    // The server is fine and nothing was stored.
    const sent = await unary(
      bed.raw.sendMessage.bind(bed.raw),
      { to: "big", content: "small" },
      bearer(token),
    );
    expect(sent.seq).toBe(1);
  });

  it("refuses an oversize request in GrpcClient too, as a ChatError", async () => {
    const bed = await start();
    const client = new GrpcClient({ port: bed.port });
    await client.connect();
    const error = await client.register("huge", "x".repeat(8 * 1024)).catch((failed: unknown) => failed);
    expect(error).toBeInstanceOf(ChatError);
    expect(error).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    await client.close();
  });

  it("ends a call whose deadline is shorter than the work with DEADLINE_EXCEEDED, leaking no session", async () => {
    const bed = await start({ service: { hasher: slowHasher(300) } });
    await unary(bed.raw.register.bind(bed.raw), { username: "slow", password: PASSWORD });
    const error = await failure(
      unary(bed.raw.login.bind(bed.raw), { username: "slow", password: PASSWORD }, undefined, {
        deadline: Date.now() + 50,
      }),
    );
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    // The server keeps serving meanwhile...
    await unary(bed.raw.listAccounts.bind(bed.raw), LIST_ALL);
    // ...and the abandoned login leaves the account free: logins of one account run one after another.
    const token = await rawLogin(bed, "slow", false);
    expect(token).not.toBe("");
    expect(bed.server.sessionCount).toBe(1);
  });

  it("leaves no session behind when the client cancels a login after it began", async () => {
    const bed = await start({ service: { hasher: slowHasher(200) } });
    await unary(bed.raw.register.bind(bed.raw), { username: "quitter", password: PASSWORD });
    const error = await failure(
      new Promise((resolve, reject) => {
        const call = bed.raw.login({ username: "quitter", password: PASSWORD }, (failed, reply) =>
          failed ? reject(failed) : resolve(reply),
        );
        setTimeout(() => call.cancel(), 50);
      }),
    );
    expect(error.code).toBe(status.CANCELLED);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bed.service.isLoggedIn("quitter")).toBe(false);
    expect(bed.server.sessionCount).toBe(0);
  });

  it("caps concurrent streams per connection", async () => {
    const bed = await start({ server: { limits: { maxConcurrentStreams: 2 } } });
    const names = ["s1", "s2", "s3"];
    const tokens = [];
    for (const name of names) tokens.push(await rawLogin(bed, name));
    const streams = tokens.map((token) => {
      const stream = bed.raw.subscribe({}, bearer(token));
      stream.on("error", () => {});
      return stream;
    });
    await eventually(() => bed.service.isOnline("s1") && bed.service.isOnline("s2"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bed.service.isOnline("s3")).toBe(false);
    streams[0]?.cancel();
    await eventually(() => bed.service.isOnline("s3"));
    for (const stream of streams) stream.cancel();
  });

  it("closes an idle connection; the client reconnects on its next call", async () => {
    const bed = await start({ server: { limits: { maxConnectionIdleMs: 150 } } });
    await unary(bed.raw.listAccounts.bind(bed.raw), LIST_ALL);
    const channel = bed.raw.getChannel();
    expect(channel.getConnectivityState(false)).toBe(connectivityState.READY);
    await eventually(() => channel.getConnectivityState(false) !== connectivityState.READY);
    expect((await unary(bed.raw.listAccounts.bind(bed.raw), LIST_ALL)).usernames).toEqual([]);
  });

  it("ages connections out without cutting an open Subscribe stream", async () => {
    const bed = await start({ server: { limits: { maxConnectionAgeMs: 150 } } });
    const token = await rawLogin(bed, "old");
    const stream = bed.raw.subscribe({}, bearer(token));
    stream.on("error", () => {});
    const contents: string[] = [];
    stream.on("data", (response: SubscribeResponse) => contents.push(response.message?.content ?? ""));
    await eventually(() => bed.service.isOnline("old"));
    await new Promise((resolve) => setTimeout(resolve, 400));
    // New calls travel over a new connection; the stream on the aged one still delivers.
    await unary(bed.raw.sendMessage.bind(bed.raw), { to: "old", content: "still here" }, bearer(token));
    await eventually(() => contents.length === 1);
    expect(contents).toEqual(["still here"]);
    stream.cancel();
  });
});
