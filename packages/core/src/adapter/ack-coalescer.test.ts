import { describe, expect, it, vi } from "vitest";
import type { IncomingMessage } from "../delivery.js";
import { MemoryStore } from "../memory-store.js";
import { createTestService } from "../testing/harness.js";
import { AckCoalescer } from "./ack-coalescer.js";

const PASSWORD = "correct horse";

async function loggedInPair() {
  const store = new MemoryStore();
  const service = createTestService({ store });
  await service.register("alice", PASSWORD);
  await service.register("bob", PASSWORD);
  const alice = service.connect();
  await alice.login("alice", PASSWORD);
  const bob = service.connect();
  await bob.login("bob", PASSWORD);
  return { store, service, alice, bob };
}

describe("AckCoalescer", () => {
  it("acknowledges everything offered with fewer calls, one at a time, emptying the store", async () => {
    const { store, alice, bob } = await loggedInPair();
    const sent: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const acks = new AckCoalescer({
      send: async (upToSeq) => {
        sent.push(upToSeq);
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          await bob.ack(upToSeq);
        } finally {
          inFlight--;
        }
      },
    });
    const received: IncomingMessage[] = [];
    bob.attach({
      deliver: (message) => {
        received.push(message);
        acks.offer(message.seq);
        return true;
      },
    });
    for (let index = 1; index <= 100; index++) void alice.send("bob", `message ${index}`);
    await vi.waitFor(() => expect(sent.at(-1)).toBe(100));
    expect(received).toHaveLength(100);
    expect(sent.length).toBeLessThan(100);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(mostInFlight).toBe(1);
    expect(await store.readMessages("bob", 0, 1000)).toEqual([]);
  });

  it("drops marks of an ended session, so they never acknowledge the next account's messages", async () => {
    const { bob } = await loggedInPair();
    const sent: number[] = [];
    const acks = new AckCoalescer({ send: async (upToSeq) => void sent.push(upToSeq) });
    const oldEpoch = acks.sessionEpoch;
    acks.newSession();
    acks.offer(7, oldEpoch);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toEqual([]);
    acks.offer(3);
    await vi.waitFor(() => expect(sent).toEqual([3]));
    bob.close();
  });

  it("sends nothing while it may not, and reports a failed acknowledgement without retrying it", async () => {
    const { bob } = await loggedInPair();
    const errors: string[] = [];
    let allowed = false;
    const acks = new AckCoalescer({
      send: (upToSeq) => bob.ack(upToSeq),
      canSend: () => allowed,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    acks.offer(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors).toEqual([]);
    allowed = true;
    // Nothing was delivered to bob, so core refuses the acknowledgement: reported once, not retried.
    acks.offer(2);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/only messages up to 0 were delivered/);
  });

  it("runs each flush through the caller's schedule", async () => {
    const scheduled: Array<() => Promise<void>> = [];
    const sent: number[] = [];
    const acks = new AckCoalescer({
      send: async (upToSeq) => void sent.push(upToSeq),
      schedule: (flush) => scheduled.push(flush),
    });
    acks.offer(1);
    acks.offer(2);
    expect(scheduled).toHaveLength(1);
    expect(sent).toEqual([]);
    await scheduled[0]?.();
    expect(sent).toEqual([2]);
  });
});
