import { PASSWORD } from "@chat/core/testing";
import { afterEach, expect, it } from "vitest";
import { GrpcClient } from "./grpc-client.js";
import { startTestBed, type TestBed } from "./testing/grpc-test-kit.js";

let bed: TestBed;

afterEach(async () => {
  await bed.close();
});

for (const chatStream of [false, true]) {
  it(`stops reading while its buffer is full and loses nothing when the consumer catches up (${chatStream ? "Chat stream" : "Subscribe"})`, async () => {
    bed = await startTestBed();
    const client = new GrpcClient({ port: bed.port, maxBufferedMessages: 4, chatStream });
    const sender = new GrpcClient({ port: bed.port });
    await Promise.all([client.connect(), sender.connect()]);
    await client.register("slow", PASSWORD);
    await sender.register("sender", PASSWORD);
    await client.login("slow", PASSWORD);
    await sender.login("sender", PASSWORD);
    expect(client.mode).toBe(chatStream ? "stream" : "unary");
    const total = 60;
    for (let index = 1; index <= total; index++) await sender.send("slow", `m${index}`);
    // A send of its own is answered even while the consumer is behind on messages.
    await client.send("slow", "own");
    const contents: string[] = [];
    for await (const message of client.messages) {
      contents.push(message.content);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (contents.length === total + 1) break;
    }
    expect(contents).toEqual([...Array.from({ length: total }, (_, index) => `m${index + 1}`), "own"]);
    await Promise.all([client.close(), sender.close()]);
    expect(await client.closed).toBeUndefined();
  });
}

it("frees the account at close() by logging out", async () => {
  bed = await startTestBed();
  const client = new GrpcClient({ port: bed.port });
  await client.connect();
  await client.register("brief", PASSWORD);
  await client.login("brief", PASSWORD);
  expect(bed.service.isOnline("brief")).toBe(true);
  await client.close();
  expect(bed.service.isLoggedIn("brief")).toBe(false);
});

it("opens more Subscribe streams than one connection allows when each client has its own connection", async () => {
  bed = await startTestBed({ server: { limits: { maxConcurrentStreams: 2 } } });
  const clients: GrpcClient[] = [];
  for (let index = 0; index < 4; index++) {
    const client = new GrpcClient({
      port: bed.port,
      requestTimeoutMs: 3000,
      channelOptions: { "grpc.use_local_subchannel_pool": 1 },
    });
    await client.connect();
    await client.register(`own${index}`, PASSWORD);
    await client.login(`own${index}`, PASSWORD);
    clients.push(client);
  }
  for (let index = 0; index < 4; index++) expect(bed.service.isOnline(`own${index}`)).toBe(true);
  await Promise.all(clients.map((client) => client.close()));
});

it("leaves Error.stackTraceLimit as it was around its unary calls, answered or refused", async () => {
  bed = await startTestBed();
  const client = new GrpcClient({ port: bed.port, chatStream: false });
  const before = Error.stackTraceLimit;
  Error.stackTraceLimit = 17;
  try {
    await client.connect();
    await client.register("stacks", PASSWORD);
    await client.login("stacks", PASSWORD);
    expect((await client.send("stacks", "hi")).seq).toBe(1);
    expect(Error.stackTraceLimit).toBe(17);
    // A refused call still rejects with the server's code, and the limit is still the caller's.
    await expect(client.send("nobody_here", "hi")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(Error.stackTraceLimit).toBe(17);
  } finally {
    Error.stackTraceLimit = before;
    await client.close();
  }
});
