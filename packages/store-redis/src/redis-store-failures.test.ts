import type { ChatError } from "@chat/core";
import { expectChatError } from "@chat/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { REDIS_RECONNECT_MAX_DELAY_MS } from "./redis-connection.js";
import { openRedisStore, type RedisStore } from "./redis-store.js";
import { findFreePort } from "./testing/free-port.js";
import { RedisServerProcess } from "./testing/redis-server-process.js";

const servers: RedisServerProcess[] = [];
const stores: RedisStore[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function startServer(settings?: Record<string, string>): Promise<RedisServerProcess> {
  const server = await RedisServerProcess.start(settings === undefined ? {} : { settings });
  servers.push(server);
  return server;
}

async function open(server: RedisServerProcess, unsafe = false): Promise<RedisStore> {
  const store = await openRedisStore({ target: { url: server.url }, unsafe });
  stores.push(store);
  return store;
}

/** Concurrent writers in the crash test. */
const WRITERS = 8;
/** Answered writes before the crash test kills Redis, so the kill lands mid-stream. */
const ANSWERED_BEFORE_KILL = 100;

const account = { username: "Rita", key: "rita", passwordHash: "$scrypt$x", createdAt: 1 };

describe("RedisStore start-up check of the Redis settings", () => {
  it.each([
    ["appendonly", "no"],
    ["appendfsync", "everysec"],
    ["maxmemory-policy", "allkeys-lru"],
  ])("refuses a Redis with %s %s in one line naming the setting, unless unsafe", async (name, value) => {
    const server = await startServer({ [name]: value });
    const error = await expectChatError(
      openRedisStore({ target: { url: server.url } }),
      "FAILED_PRECONDITION",
    );
    expect(error.message).toContain(`${name} ${value}`);
    expect(error.message).not.toContain("\n");
    const store = await open(server, true);
    await store.createAccount(account);
    expect((await store.getAccount("rita"))?.username).toBe("Rita");
  });

  it("accepts the durable settings", async () => {
    const store = await open(await startServer());
    await store.createAccount(account);
    expect(await store.getAccount("rita")).toEqual(account);
  });

  it("fails with UNAVAILABLE when no Redis listens at the address", async () => {
    const port = await findFreePort();
    await expectChatError(openRedisStore({ target: { url: `redis://127.0.0.1:${port}` } }), "UNAVAILABLE");
  });
});

describe("RedisStore when Redis goes away", () => {
  it("fails fast with UNAVAILABLE while Redis is down, then reconnects on its own with every answered write", async () => {
    const server = await startServer();
    const store = await open(server);
    await store.createAccount(account);
    const answered: number[] = [];
    let failed = 0;
    let sent = 0;
    // Writers that keep appending until Redis dies under them: every answered write must survive.
    const writer = async (): Promise<void> => {
      for (;;) {
        const index = sent++;
        try {
          answered.push(
            (await store.appendMessage("rita", { from: "sam", content: `m${index}`, sentAt: index })).seq,
          );
        } catch (error) {
          expect((error as ChatError).code).toBe("UNAVAILABLE");
          failed++;
          return;
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    while (answered.length < ANSWERED_BEFORE_KILL) await new Promise((resolve) => setTimeout(resolve, 1));
    await server.kill();
    await Promise.all(writers);
    expect(failed).toBe(WRITERS);

    // Down: each call is refused at once, without waiting for the server to come back.
    for (let attempt = 0; attempt < 3; attempt++) {
      await expectChatError(store.getAccount("rita"), "UNAVAILABLE");
      await expectChatError(store.readMessages("rita", 0, 10), "UNAVAILABLE");
    }

    await server.restart();
    let stored: Awaited<ReturnType<RedisStore["readMessages"]>> | undefined;
    const deadline = Date.now() + 10 * REDIS_RECONNECT_MAX_DELAY_MS;
    while (stored === undefined) {
      try {
        stored = await store.readMessages("rita", 0, 1000);
      } catch (error) {
        expect((error as ChatError).code).toBe("UNAVAILABLE");
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const storedSeqs = stored.map((message) => message.seq);
    // Gap-free from 1, and a superset of what was answered (an unanswered write may have landed too).
    expect(storedSeqs).toEqual(Array.from({ length: storedSeqs.length }, (_, index) => index + 1));
    for (const seq of answered) expect(storedSeqs).toContain(seq);
    // Each writer's sends land in the order it made them; contents name the send that made them.
    expect(new Set(stored.map((message) => message.content)).size).toBe(stored.length);
    const next = await store.appendMessage("rita", { from: "sam", content: "after", sentAt: 0 });
    expect(next.seq).toBe(storedSeqs.length + 1);
  });
});
