import { type ChatService, MemoryStore, UNLIMITED_RATE } from "@chat/core";
import { cleanupAfterEachTest, createTestService, PASSWORD } from "@chat/core/testing";
import { describe, expect, it, vi } from "vitest";
import { ALL_FEATURES, Feature } from "./features.js";
import type { Frame } from "./frame.js";
import { RawClient } from "./testing/raw-client.js";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";
import type { WireServerOptions } from "./wire-server-options.js";

/** The flood of the attack: far more than the kernel's buffers and the server's write buffer hold. */
const FLOOD = 20_000;
/** Messages the victim reads before it stops reading, so some deliveries were really seen. */
const READ_BEFORE_STALL = 1_000;
/** Short, so the drop comes soon; the client never reads again, so any value drops it. */
const DRAIN_TIMEOUT_MS = 1_000;
/** Generous per frame: the machine is shared. */
const FRAME_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 120_000;
/** Every feature but compact framing: the raw client sends its login right behind its `hel`. */
const FIXED_FRAMING_FEATURES = ALL_FEATURES & ~Feature.compactFrames;
/** The flood is far past the per-session send rate on purpose: that one limit is raised, nothing else. */
const FLOOD_LIMITS = { sendsPerSession: UNLIMITED_RATE };

const deferCleanup = cleanupAfterEachTest();

interface Bed {
  readonly service: ChatService;
  readonly server: WireServer;
  readonly port: number;
  raw(): Promise<RawClient>;
  client(): Promise<WireClient>;
}

async function start(
  options: WireServerOptions = {},
  service = createTestService({ limits: FLOOD_LIMITS }),
): Promise<Bed> {
  const server = new WireServer(service, options);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  deferCleanup(() => server.close());
  return {
    service,
    server,
    port,
    async raw() {
      const client = await RawClient.open(port);
      deferCleanup(() => client.destroy());
      return client;
    },
    async client() {
      const client = new WireClient({ host: "127.0.0.1", port });
      await client.connect();
      deferCleanup(() => client.close());
      return client;
    },
  };
}

const label = (index: number): string => `n${String(index + 1).padStart(5, "0")}`;

/** Alice, logged in, and bob's account. */
async function sender(bed: Bed): Promise<WireClient> {
  const alice = await bed.client();
  await alice.register("alice", PASSWORD);
  await alice.register("bob", PASSWORD);
  await alice.login("alice", PASSWORD);
  return alice;
}

/** The contents of the next `count` deliveries (`nms` for a seed client, `dlv` after hello). */
async function readDeliveries(client: RawClient, count: number): Promise<string[]> {
  const contents: string[] = [];
  while (contents.length < count) {
    const frame: Frame = await client.next(FRAME_TIMEOUT_MS);
    if (frame.type === "nms" || frame.type === "dlv") contents.push(frame.content);
  }
  return contents;
}

/** Deliveries until the one with `last` as content, included. */
async function readUntil(client: RawClient, last: string): Promise<string[]> {
  const contents: string[] = [];
  for (;;) {
    const frame: Frame = await client.next(FRAME_TIMEOUT_MS);
    if (frame.type !== "nms" && frame.type !== "dlv") continue;
    contents.push(frame.content);
    if (frame.content === last) return contents;
  }
}

/** A client of `kind` logged in as bob, its answers read. */
async function loginBob(bed: Bed, kind: "seed" | "sequenced"): Promise<RawClient> {
  const bob = await bed.raw();
  if (kind === "seed") {
    bob.send({ type: "log", username: "bob", password: PASSWORD });
    expect(await bob.next()).toEqual({ type: "suc", text: "logged in as bob" });
  } else {
    bob.send(
      { type: "hel", version: 1, features: FIXED_FRAMING_FEATURES },
      { type: "log", username: "bob", password: PASSWORD },
    );
    expect((await bob.take(2)).map((frame) => frame.type)).toEqual(["hey", "lin"]);
  }
  return bob;
}

describe.each(["seed", "sequenced"] as const)(
  "a %s client that stops reading while another floods it",
  (kind) => {
    it(
      "is dropped, and at its next login every message comes: none lost, duplicates only of what it had read",
      async () => {
        const bed = await start({ drainTimeoutMs: DRAIN_TIMEOUT_MS });
        const alice = await sender(bed);
        const victim = await loginBob(bed, kind);
        const sends = Array.from({ length: FLOOD }, (_, index) => alice.send("bob", label(index)));
        const seen = await readDeliveries(victim, READ_BEFORE_STALL);
        victim.socket.pause(); // never reads again
        await Promise.all(sends);
        await vi.waitFor(() => expect(bed.service.isLoggedIn("bob")).toBe(false), {
          timeout: FRAME_TIMEOUT_MS,
        });
        // Sent after the drop, so stored: the next session is complete once this one arrives.
        await alice.send("bob", "last");

        const again = await loginBob(bed, kind);
        const redelivered = await readUntil(again, "last");
        const sent = Array.from({ length: FLOOD }, (_, index) => label(index));
        const arrived = new Set([...seen, ...redelivered]);
        const lost = sent.filter((content) => !arrived.has(content));
        const duplicates = redelivered.filter((content) => seen.includes(content));
        expect({ lost: lost.length, firstLost: lost[0] }).toEqual({ lost: 0, firstLost: undefined });
        // No gap, in order: what was not seen comes, oldest first; what was seen may come again.
        expect(redelivered.filter((content) => !seen.includes(content))).toEqual(
          sent.filter((content) => !seen.includes(content)).concat("last"),
        );
        // Exactly what it had read: a seed client's deliveries all stayed short of the horizon (the flood's
        // bytes the kernel took are far below 40 MiB), a sequenced client acknowledged nothing.
        expect(duplicates.length).toBe(READ_BEFORE_STALL);
      },
      TEST_TIMEOUT_MS,
    );
  },
);

/** The seed's fixed `nms` frame: code, 16-byte name, 512-byte content. */
const NMS_BYTES = 529;

describe("a seed client's deliveries: acknowledged on its behalf only once it must have read them", () => {
  it(
    "past the horizon while connected; what is short of it comes again after the server shuts down",
    async () => {
      const horizonBytes = 64 * 1024;
      const store = new MemoryStore();
      const service = createTestService({ store, limits: FLOOD_LIMITS });
      const bed = await start({ seedAckHorizonBytes: horizonBytes }, service);
      const alice = await sender(bed);
      const bob = await loginBob(bed, "seed");
      const total = 2_000;
      const sends = Array.from({ length: total }, (_, index) => alice.send("bob", label(index)));
      const seen = await readDeliveries(bob, total);
      await Promise.all(sends);
      // At most the horizon's worth stays stored, plus the frames of the write that crossed it.
      const bound = Math.ceil(horizonBytes / NMS_BYTES) + Math.ceil((64 * 1024) / NMS_BYTES);
      await vi.waitFor(
        async () => expect((await store.readMessages("bob", 0, total)).length).toBeLessThanOrEqual(bound),
        { timeout: FRAME_TIMEOUT_MS },
      );
      const keptStored = (await store.readMessages("bob", 0, total)).length;
      expect(keptStored).toBeGreaterThan(0);

      // The server ends the connection: it cannot know bob read the tail, so the tail comes again.
      await bed.server.close();
      await bob.waitClosed(FRAME_TIMEOUT_MS);
      const next = await start({ seedAckHorizonBytes: horizonBytes }, service);
      const again = await loginBob(next, "seed");
      const redelivered = await readDeliveries(again, keptStored);
      expect(redelivered).toEqual(seen.slice(total - keptStored));
    },
    TEST_TIMEOUT_MS,
  );

  it("all of them when the client closes cleanly after reading, none when it resets with unread data", async () => {
    const store = new MemoryStore();
    const bed = await start({}, createTestService({ store, limits: FLOOD_LIMITS }));
    const alice = await sender(bed);
    const reader = await loginBob(bed, "seed");
    const total = 500;
    await Promise.all(Array.from({ length: total }, (_, index) => alice.send("bob", label(index))));
    await readDeliveries(reader, total);
    reader.socket.end(); // FIN, nothing unread: a clean close
    await reader.waitClosed(FRAME_TIMEOUT_MS);
    await vi.waitFor(() => expect(bed.service.isLoggedIn("bob")).toBe(false), { timeout: FRAME_TIMEOUT_MS });
    expect(await store.readMessages("bob", 0, total)).toEqual([]);

    const unread = await loginBob(bed, "seed");
    await Promise.all(Array.from({ length: total }, (_, index) => alice.send("bob", label(total + index))));
    unread.socket.pause();
    // Wait until the deliveries are in the client's kernel, not read by it; then close: the kernel resets.
    await vi.waitFor(() => expect(bed.server.stats().bufferedBytes).toBe(0), { timeout: FRAME_TIMEOUT_MS });
    unread.destroy();
    await vi.waitFor(() => expect(bed.service.isLoggedIn("bob")).toBe(false), { timeout: FRAME_TIMEOUT_MS });
    expect((await store.readMessages("bob", 0, 2 * total)).length).toBe(total);
  });
});
