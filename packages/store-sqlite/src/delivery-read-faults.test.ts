import {
  type ChatClient,
  ChatError,
  type ChatService,
  type ClientStatus,
  DELIVERY_MAX_READ_FAILURES,
  UNLIMITED_RATE,
} from "@chat/core";
import { cleanupAfterEachTest, createTestService, PASSWORD } from "@chat/core/testing";
import { GrpcClient, GrpcServer } from "@chat/grpc";
import { WireClient, WireServer } from "@chat/wire";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openSqliteStore } from "./index.js";
import { ReadFaultStore } from "./testing/read-fault-store.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("read-faults");
afterAll(() => temp.remove());

const deferCleanup = cleanupAfterEachTest();

/** Messages queued for the recipient: more than two delivery batches, so a read fails mid-backlog. */
const QUEUED = 600;
/** Generous: the delivery retries back off for seconds, and the machine is shared. */
const ARRIVAL_TIMEOUT_MS = 20_000;
/** Each test waits at most twice for arrivals. */
const TEST_TIMEOUT_MS = 3 * ARRIVAL_TIMEOUT_MS;

type Transport = "wire" | "grpc";

interface Bed {
  readonly service: ChatService;
  readonly store: ReadFaultStore;
  readonly errors: unknown[];
  client(reconnect: boolean): Promise<ChatClient>;
}

/** A server on a real SQLite file, the store wrapped so its reads can be made to fail. */
async function start(transport: Transport = "wire"): Promise<Bed> {
  const sqlite = await openSqliteStore(temp.file("chat.db"));
  const store = new ReadFaultStore(sqlite);
  const errors: unknown[] = [];
  // The tests send hundreds of messages in a burst, past the default send rate, which is not what they are
  // about: that one limit is raised.
  const service = createTestService({
    store,
    limits: { sendsPerSession: UNLIMITED_RATE },
    onError: (error) => errors.push(error),
  });
  const server = transport === "wire" ? new WireServer(service) : new GrpcServer(service);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  deferCleanup(async () => {
    await server.close();
    await service.close();
    await sqlite.close();
  });
  return {
    service,
    store,
    errors,
    async client(reconnect) {
      const options = { host: "127.0.0.1", port, reconnect };
      const client = transport === "wire" ? new WireClient(options) : new GrpcClient(options);
      await client.connect();
      deferCleanup(() => client.close());
      return client;
    },
  };
}

/** Registers alice and bob and queues {@link QUEUED} messages for bob; returns alice, logged in. */
async function queueForBob(bed: Bed): Promise<ChatClient> {
  const alice = await bed.client(false);
  await alice.register("alice", PASSWORD);
  await alice.register("bob", PASSWORD);
  await alice.login("alice", PASSWORD);
  await Promise.all(Array.from({ length: QUEUED }, (_, index) => alice.send("bob", `m${index + 1}`)));
  return alice;
}

/** Reads `count` messages, acknowledging each; fails when they do not come within the timeout. */
async function receive(client: ChatClient, count: number): Promise<string[]> {
  const contents: string[] = [];
  const reading = (async () => {
    for await (const message of client.messages) {
      contents.push(message.content);
      void client.ack(message.seq).catch(() => {});
      if (contents.length === count) return;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`only ${contents.length} of ${count} messages arrived`)),
      ARRIVAL_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return contents;
}

function watchStatus(client: ChatClient): ClientStatus[] {
  const seen: ClientStatus[] = [];
  void (async () => {
    for await (const status of client.status()) seen.push(status);
  })();
  return seen;
}

const expected = (count: number): string[] => Array.from({ length: count }, (_, index) => `m${index + 1}`);

describe("delivery while the store's reads fail (a real SQLite file, reads failing on demand)", () => {
  it.each([
    ["UNAVAILABLE (disk full, I/O error)", () => new ChatError("UNAVAILABLE", "the message store failed")],
    ["RESOURCE_EXHAUSTED (a full Redis)", () => new ChatError("RESOURCE_EXHAUSTED", "the store is full")],
    ["INTERNAL (an unexpected store error)", () => new ChatError("INTERNAL", "internal server error")],
  ])(
    "retries a read that failed with %s and delivers the rest, in order, in the same session",
    async (_, error) => {
      const bed = await start();
      await queueForBob(bed);
      // The first batch is read, the next reads fail a few times: once, "256 messages, then nothing".
      bed.store.failReads({ recipientKey: "bob", after: 1, count: 3, error });
      const bob = await bed.client(true);
      const status = watchStatus(bob);
      await bob.login("bob", PASSWORD);
      expect(await receive(bob, QUEUED)).toEqual(expected(QUEUED));
      expect(bed.store.failedReads).toBe(3);
      expect(status.filter((entry) => entry.type === "disconnected")).toEqual([]);
      expect(bed.service.isOnline("bob")).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it.each(["wire", "grpc"] as const)(
    "over %s, ends the session with UNAVAILABLE when reads keep failing; the reconnecting client then gets everything",
    async (transport) => {
      const bed = await start(transport);
      const alice = await queueForBob(bed);
      bed.store.failReads({
        recipientKey: "bob",
        after: 1,
        // Exactly as many failures as delivery tolerates: the session ends, and the next read succeeds.
        count: DELIVERY_MAX_READ_FAILURES,
        error: () => new ChatError("UNAVAILABLE", "the message store failed"),
      });
      const bob = await bed.client(true);
      const status = watchStatus(bob);
      await bob.login("bob", PASSWORD);
      const received = receive(bob, QUEUED + 1);
      await vi.waitFor(() => expect(bed.store.failedReads).toBeGreaterThan(0), {
        timeout: ARRIVAL_TIMEOUT_MS,
      });
      // While delivery is failing, a sender is not told its message went out live: it waits in the store.
      expect((await alice.send("bob", `m${QUEUED + 1}`)).delivery).toBe("stored");
      await vi.waitFor(() => expect(status.some((entry) => entry.type === "disconnected")).toBe(true), {
        timeout: ARRIVAL_TIMEOUT_MS,
      });
      const disconnected = status.find((entry) => entry.type === "disconnected");
      expect(disconnected?.type === "disconnected" && disconnected.reason.code).toBe("UNAVAILABLE");
      expect(bed.store.failedReads).toBe(DELIVERY_MAX_READ_FAILURES);
      const gaveUp = bed.errors.filter(
        (error) => error instanceof ChatError && /delivery to bob stopped/.test(error.message),
      );
      expect(gaveUp).toHaveLength(1);
      // The store has recovered; the client logs in again by itself and every message comes, none twice.
      expect(await received).toEqual(expected(QUEUED + 1));
    },
    TEST_TIMEOUT_MS,
  );
});
