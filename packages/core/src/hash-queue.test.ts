import { describe, expect, it } from "vitest";
import { ChatError } from "./chat-error.js";
import { HashQueue } from "./hash-queue.js";

/** A hash the test finishes by hand. */
function gate(): { promise: Promise<string>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<string>((resolve) => {
    open = () => resolve("hashed");
  });
  return { promise, open };
}

describe("HashQueue", () => {
  it("runs at most `concurrency` at once, first come first served", async () => {
    const queue = new HashQueue(1, 10);
    const first = gate();
    const order: string[] = [];
    const a = queue.run(async () => {
      const value = await first.promise;
      order.push("a");
      return value;
    });
    const b = queue.run(async () => {
      order.push("b");
      return "b";
    });
    expect(queue.queued).toBe(1);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(["a", "b"]);
    expect(queue.started).toBe(2);
  });

  it("never runs the hash of a caller gone while it waited, nor of one gone before it came", async () => {
    const queue = new HashQueue(1, 10);
    const first = gate();
    const running = queue.run(() => first.promise);
    const controller = new AbortController();
    let ran = false;
    const waiting = queue.run(async () => {
      ran = true;
      return "never";
    }, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(queue.run(async () => "never", AbortSignal.abort())).rejects.toBeInstanceOf(ChatError);
    first.open();
    await running;
    expect(ran).toBe(false);
    expect(queue.skipped).toBe(2);
    expect(queue.started).toBe(1);
  });

  it("refuses past its bound with RESOURCE_EXHAUSTED and a retry hint", async () => {
    const queue = new HashQueue(1, 1);
    const first = gate();
    const running = queue.run(() => first.promise);
    const waiting = queue.run(async () => "second");
    const refused = await queue.run(async () => "third").catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    expect((refused as ChatError).retryAfterMs).toBeGreaterThan(0);
    first.open();
    expect(await Promise.all([running, waiting])).toEqual(["hashed", "second"]);
  });
});
