import { describe, expect, it } from "vitest";
import { LocalSessionDirectory } from "./local-session-directory.js";
import { MemoryStore } from "./memory-store.js";
import { expectChatError } from "./testing/expect-chat-error.js";

describe("LocalSessionDirectory", () => {
  it("grants one lease per account, with a fencing token that grows, and fences reads and acks by it", async () => {
    const store = new MemoryStore();
    await store.createAccount({ username: "rita", key: "rita", passwordHash: "x", createdAt: 0 });
    await store.appendMessage("rita", { from: "sam", content: "one", sentAt: 1 });
    const directory = new LocalSessionDirectory(store);
    const first = await directory.claim("rita");
    expect(first).toBeDefined();
    if (!first) return;
    expect(await directory.claim("rita")).toBeUndefined();
    expect((await directory.readMessages(first, 0, 10)).map((message) => message.content)).toEqual(["one"]);
    await directory.release(first);
    const second = await directory.claim("rita");
    expect(second?.token).toBeGreaterThan(first.token);
    // The old lease is fenced off: it can neither read, nor ack, nor renew, nor release the new one.
    await expectChatError(directory.readMessages(first, 0, 10), "UNAUTHENTICATED");
    await expectChatError(directory.ackMessages(first, 1), "UNAUTHENTICATED");
    expect(await directory.renew(first)).toEqual({ held: false });
    await directory.release(first);
    expect(await directory.claim("rita")).toBeUndefined();
    expect(await store.readMessages("rita", 0, 10)).toHaveLength(1);
  });
});
