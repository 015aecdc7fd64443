import { describe, expect, it } from "vitest";
import { ChatError } from "./chat-error.js";
import { ChatService, MAX_NAMES_SCANNED_PER_PAGE } from "./chat-service.js";
import type { DeliverySink, IncomingMessage } from "./delivery.js";
import { MemoryStore } from "./memory-store.js";
import { createScryptHasher } from "./node-crypto.js";
import { SEND_DEDUPE_WINDOW_MS } from "./rules.js";
import { TEST_SCRYPT_PARAMETERS } from "./testing/test-hashing.js";

const PASSWORD = "correct horse";

function serviceWith(options: { store?: MemoryStore; now?: () => number; logN?: number } = {}) {
  const store = options.store ?? new MemoryStore();
  const service = new ChatService({
    store,
    hasher: createScryptHasher({ parameters: { ...TEST_SCRYPT_PARAMETERS, logN: options.logN ?? 10 } }),
    ...(options.now ? { clock: { now: options.now } } : {}),
  });
  return { service, store };
}

function collectingSink(capacity = Number.POSITIVE_INFINITY) {
  const received: IncomingMessage[] = [];
  const sink: DeliverySink = {
    deliver(message) {
      received.push(message);
      return received.length < capacity;
    },
  };
  return { sink, received };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("ChatService", () => {
  it("stores only a scrypt hash and rehashes it at login when the configured cost went up", async () => {
    const store = new MemoryStore();
    const weak = serviceWith({ store, logN: 8 }).service;
    await weak.register("alice", PASSWORD);
    const before = (await store.getAccount("alice"))?.passwordHash ?? "";
    expect(before).toMatch(/^\$scrypt\$ln=8,/);
    expect(before).not.toContain(PASSWORD);

    const stronger = serviceWith({ store, logN: 10 }).service;
    await stronger.connect().login("alice", PASSWORD);
    const after = (await store.getAccount("alice"))?.passwordHash ?? "";
    expect(after).toMatch(/^\$scrypt\$ln=10,/);
    await stronger.close();
    await serviceWith({ store, logN: 10 }).service.connect().login("alice", PASSWORD);
  });

  it("stamps messages with the injected clock", async () => {
    const { service } = serviceWith({ now: () => 1_234_567 });
    await service.register("a", PASSWORD);
    const connection = service.connect();
    await connection.login("a", PASSWORD);
    expect(await connection.send("a", "hi")).toEqual({ seq: 1, sentAt: 1_234_567, delivery: "stored" });
  });

  it("remembers a client message id for SEND_DEDUPE_WINDOW_MS, then treats it as new", async () => {
    let now = 1_000_000;
    const { service, store } = serviceWith({ now: () => now });
    await service.register("a", PASSWORD);
    const connection = service.connect();
    await connection.login("a", PASSWORD);
    const id = Uint8Array.of(1, 2, 3);
    const first = await connection.send("a", "hi", id);
    now += SEND_DEDUPE_WINDOW_MS - 1;
    expect(await connection.send("a", "hi", id)).toEqual(first);
    now += 1;
    expect(await connection.send("a", "hi", id)).toEqual({ seq: 2, sentAt: now, delivery: "stored" });
    expect(await store.readMessages("a", 0, 10)).toHaveLength(2);
  });

  it("refuses a maxBacklog that is not a whole number of 1 or more", () => {
    for (const maxBacklog of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ChatService({ store: new MemoryStore(), maxBacklog })).toThrow(ChatError);
    }
  });

  it("pauses delivery when the sink is full and resumes from the store, in order, without loss", async () => {
    const { service } = serviceWith();
    await service.register("bob", PASSWORD);
    await service.register("sam", PASSWORD);
    const sender = service.connect();
    await sender.login("sam", PASSWORD);
    for (let index = 1; index <= 10; index++) await sender.send("bob", `m${index}`);

    const bob = service.connect();
    await bob.login("bob", PASSWORD);
    const { sink, received } = collectingSink(3);
    bob.attach(sink);
    await settle();
    expect(received.map((message) => message.seq)).toEqual([1, 2, 3]);
    await sender.send("bob", "m11");
    await settle();
    expect(received).toHaveLength(3);

    for (let round = 0; round < 3; round++) {
      received.splice(0);
      bob.resume();
      await settle();
    }
    // 3 + 3 + 3 + 2: every message came, none twice, in sequence order.
    expect(received.map((message) => message.content)).toEqual(["m10", "m11"]);
    expect(service.isOnline("BOB")).toBe(true);
  });

  it("treats a session without a sink as offline, and redelivers unacked messages on attach", async () => {
    const { service } = serviceWith();
    await service.register("bob", PASSWORD);
    const bob = service.connect();
    await bob.login("bob", PASSWORD);
    expect(service.isLoggedIn("bob")).toBe(true);
    expect(service.isOnline("bob")).toBe(false);
    expect((await bob.send("bob", "to myself")).delivery).toBe("stored");

    const first = collectingSink();
    bob.attach(first.sink);
    await settle();
    expect(first.received.map((message) => message.content)).toEqual(["to myself"]);
    bob.detach();
    const second = collectingSink();
    bob.attach(second.sink);
    await settle();
    expect(second.received).toEqual(first.received);
  });

  it("keeps listing pages bounded on a large directory", async () => {
    const { service } = serviceWith();
    const store = new MemoryStore();
    const big = new ChatService({
      store,
      hasher: createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS }),
    });
    for (let index = 0; index < 20_000; index++) {
      await store.createAccount({
        username: `user${index}`,
        key: `user${index}`,
        passwordHash: "x",
        createdAt: 0,
      });
    }
    const page = await big.listAccounts({ pageSize: 1000 });
    expect(page.usernames).toHaveLength(1000);
    // A pattern that matches nothing still returns after a bounded scan, with a cursor to go on from.
    const sparse = await big.listAccounts({ pattern: "*zz*", pageSize: 10 });
    expect(sparse.usernames).toEqual([]);
    expect(sparse.nextCursor).toBeDefined();
    let cursor = sparse.nextCursor;
    let calls = 1;
    while (cursor !== undefined) {
      cursor = (await big.listAccounts({ pattern: "*zz*", pageSize: 10, cursor })).nextCursor;
      calls++;
    }
    // One call per bounded scan; the last may come back empty when the scan ended exactly at the end.
    expect(calls).toBeGreaterThanOrEqual(20_000 / MAX_NAMES_SCANNED_PER_PAGE);
    expect(calls).toBeLessThanOrEqual(20_000 / MAX_NAMES_SCANNED_PER_PAGE + 1);
    await service.close();
  });

  it("ends every session on close, telling attached sinks, and refuses later calls", async () => {
    const { service } = serviceWith();
    await service.register("carol", PASSWORD);
    const connection = service.connect();
    await connection.login("carol", PASSWORD);
    let reason: ChatError | undefined;
    connection.attach({ deliver: () => true, ended: (why) => (reason = why) });
    await service.close();
    expect(reason?.code).toBe("UNAVAILABLE");
    expect(service.sessionCount).toBe(0);
    await expect(service.register("dave", PASSWORD)).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(() => service.connect()).toThrow(ChatError);
  });

  it("ends a login that completes after its connection closed", async () => {
    const { service } = serviceWith();
    await service.register("erin", PASSWORD);
    const connection = service.connect();
    const login = connection.login("erin", PASSWORD);
    connection.close();
    await expect(login).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(service.isLoggedIn("erin")).toBe(false);
  });
});

describe("ChatService delivery hand-off", () => {
  it("lets a sink acknowledge inside deliver(), as transports whose clients cannot ack do", async () => {
    const store = new MemoryStore();
    const service = new ChatService({
      store,
      hasher: createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS }),
    });
    await service.register("seed", "seed password");
    const connection = service.connect();
    await connection.login("seed", "seed password");
    const acks: Array<Promise<void>> = [];
    connection.attach({
      deliver: (message) => {
        acks.push(connection.ack(message.seq));
        return true;
      },
    });
    await connection.send("seed", "one");
    await connection.send("seed", "two");
    await settle();
    await Promise.all(acks);
    expect(await store.readMessages("seed", 0, 10)).toEqual([]);
  });
});
