import { PASSWORD } from "@chat/core/testing";
import { afterEach, expect, it } from "vitest";
import { GrpcClient } from "./grpc-client.js";
import { startTestBed, type TestBed } from "./testing/grpc-test-kit.js";

let bed: TestBed;

afterEach(async () => {
  await bed.close();
});

it("stops reading while its buffer is full and loses nothing when the consumer catches up", async () => {
  bed = await startTestBed();
  const client = new GrpcClient({ port: bed.port, maxBufferedMessages: 4 });
  await client.connect();
  await client.register("slow", PASSWORD);
  await client.login("slow", PASSWORD);
  const total = 60;
  for (let index = 1; index <= total; index++) await client.send("slow", `m${index}`);
  const contents: string[] = [];
  for await (const message of client.messages) {
    contents.push(message.content);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (contents.length === total) break;
  }
  expect(contents).toEqual(Array.from({ length: total }, (_, index) => `m${index + 1}`));
  await client.close();
  expect(await client.closed).toBeUndefined();
});

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
