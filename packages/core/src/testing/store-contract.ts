import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatError } from "../chat-error.js";
import type { AccountRecord, NewMessage, SendDedupe, Store } from "../store.js";
import { expectChatError } from "./expect-chat-error.js";
import { LISTING_NAMES, LISTING_ORDER } from "./listing-fixture.js";

/** How a store implementation plugs into {@link describeStoreContract}. */
export interface StoreContractOptions {
  /** Opens a fresh, empty store. */
  readonly create: () => Promise<Store>;
  /**
   * Closes `store` and opens it again on the same data, for durable stores; leave out for memory-only
   * stores, and the persistence cases are skipped.
   */
  readonly reopen?: (store: Store) => Promise<Store>;
}

function account(username: string, passwordHash = "$scrypt$test"): AccountRecord {
  return { username, key: username.toLowerCase(), passwordHash, createdAt: 1_700_000_000_000 };
}

/** A dedupe record request for `sam`'s send with id `id`, expiring at `expiresAt`. */
function dedupe(id: string, contentDigest: string, expiresAt = 1_000_000): SendDedupe {
  return {
    senderKey: "sam",
    clientMessageId: new TextEncoder().encode(id),
    delivery: "stored",
    contentDigest,
    expiresAt,
  };
}

function fromSam(content: string, sentAt: number): NewMessage {
  return { from: "sam", content, sentAt };
}

/**
 * The behaviour every `Store` implementation must have, as a vitest suite. An implementation's test file
 * calls it in a few lines:
 *
 * ```ts
 * describeStoreContract("MemoryStore", { create: async () => new MemoryStore() });
 * ```
 */
export function describeStoreContract(name: string, options: StoreContractOptions): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await options.create();
    });

    afterEach(async () => {
      await store.close();
    });

    describe("accounts", () => {
      it("creates and reads an account by its case-folded key", async () => {
        await store.createAccount(account("Alice"));
        expect(await store.getAccount("alice")).toEqual(account("Alice"));
        expect(await store.getAccount("bob")).toBeUndefined();
      });

      it("rejects a second account with the same key with ALREADY_EXISTS", async () => {
        await store.createAccount(account("bob"));
        await expectChatError(store.createAccount(account("BOB")), "ALREADY_EXISTS");
        expect((await store.getAccount("bob"))?.username).toBe("bob");
      });

      it("lets exactly one of many concurrent creations of one key win", async () => {
        const results = await Promise.allSettled(
          ["carol", "Carol", "CAROL", "cArOl"].map((name) => store.createAccount(account(name))),
        );
        expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
        for (const result of results) {
          if (result.status === "rejected") expect((result.reason as ChatError).code).toBe("ALREADY_EXISTS");
        }
      });

      it("replaces a password hash, and reports NOT_FOUND for a missing account", async () => {
        await store.createAccount(account("dave", "old"));
        await store.setPasswordHash("dave", "new");
        expect((await store.getAccount("dave"))?.passwordHash).toBe("new");
        await expectChatError(store.setPasswordHash("nobody", "x"), "NOT_FOUND");
      });

      it("deletes an account and every message queued for it", async () => {
        await store.createAccount(account("erin"));
        await store.appendMessage("erin", { from: "x", content: "hello", sentAt: 1 });
        expect(await store.deleteAccount("erin")).toBe(true);
        expect(await store.deleteAccount("erin")).toBe(false);
        expect(await store.getAccount("erin")).toBeUndefined();
        await store.createAccount(account("Erin"));
        expect(await store.readMessages("erin", 0, 10)).toEqual([]);
      });
    });

    describe("listing", () => {
      beforeEach(async () => {
        for (const name of LISTING_NAMES) await store.createAccount(account(name));
      });

      it("lists registered spellings in case-insensitive order", async () => {
        expect(await store.listAccounts({ limit: 100 })).toEqual(LISTING_ORDER);
      });

      it("pages by exclusive cursor and limit", async () => {
        expect(await store.listAccounts({ limit: 2 })).toEqual(["a-b", "a.b"]);
        expect(await store.listAccounts({ afterKey: "a.b", limit: 2 })).toEqual(["al", "Alpha"]);
        expect(await store.listAccounts({ afterKey: "alpha", limit: 2 })).toEqual(["alpine", "Bravo"]);
        expect(await store.listAccounts({ afterKey: "b", limit: 2 })).toEqual(["Bravo", "charlie"]);
        expect(await store.listAccounts({ afterKey: "echo", limit: 2 })).toEqual([]);
      });

      it("narrows to a key prefix, combined with a cursor", async () => {
        expect(await store.listAccounts({ keyPrefix: "al", limit: 10 })).toEqual(["al", "Alpha", "alpine"]);
        expect(await store.listAccounts({ keyPrefix: "al", afterKey: "al", limit: 10 })).toEqual([
          "Alpha",
          "alpine",
        ]);
        expect(await store.listAccounts({ keyPrefix: "a-", limit: 10 })).toEqual(["a-b"]);
        expect(await store.listAccounts({ keyPrefix: "zz", limit: 10 })).toEqual([]);
        expect(await store.listAccounts({ keyPrefix: "", limit: 1 })).toEqual(["a-b"]);
      });
    });

    describe("message logs", () => {
      beforeEach(async () => {
        await store.createAccount(account("rita"));
        await store.createAccount(account("sam"));
      });

      it("assigns per-recipient sequence numbers from 1 and reads them back in order", async () => {
        const first = await store.appendMessage("rita", { from: "sam", content: "one", sentAt: 10 });
        const second = await store.appendMessage("rita", { from: "sam", content: "two", sentAt: 11 });
        const other = await store.appendMessage("sam", { from: "rita", content: "x", sentAt: 12 });
        expect(first).toEqual({ seq: 1, from: "sam", content: "one", sentAt: 10 });
        expect(second.seq).toBe(2);
        expect(other.seq).toBe(1);
        expect(await store.readMessages("rita", 0, 10)).toEqual([first, second]);
      });

      it("keeps sequence numbers in call order under concurrent appends", async () => {
        const appended = await Promise.all(
          Array.from({ length: 50 }, (_, index) =>
            store.appendMessage("rita", { from: "sam", content: `m${index}`, sentAt: index }),
          ),
        );
        expect(appended.map((message) => message.seq)).toEqual(
          Array.from({ length: 50 }, (_, index) => index + 1),
        );
        const read = await store.readMessages("rita", 0, 100);
        expect(read.map((message) => message.content)).toEqual(appended.map((message) => message.content));
      });

      it("reads after a sequence number with a limit", async () => {
        for (let index = 1; index <= 5; index++) {
          await store.appendMessage("rita", { from: "sam", content: `m${index}`, sentAt: index });
        }
        expect((await store.readMessages("rita", 2, 2)).map((message) => message.seq)).toEqual([3, 4]);
        expect(await store.readMessages("rita", 5, 10)).toEqual([]);
        expect(await store.readMessages("nobody", 0, 10)).toEqual([]);
      });

      it("acks cumulatively and never reuses a sequence number", async () => {
        for (let index = 1; index <= 4; index++) {
          await store.appendMessage("rita", { from: "sam", content: `m${index}`, sentAt: index });
        }
        expect(await store.ackMessages("rita", 2)).toBe(2);
        expect(await store.ackMessages("rita", 2)).toBe(0);
        expect((await store.readMessages("rita", 0, 10)).map((message) => message.seq)).toEqual([3, 4]);
        expect(await store.ackMessages("rita", 4)).toBe(2);
        const next = await store.appendMessage("rita", { from: "sam", content: "m5", sentAt: 5 });
        expect(next.seq).toBe(5);
        expect(await store.ackMessages("nobody", 10)).toBe(0);
      });

      it("drains a long backlog page by page with acks, never losing or repeating a message", async () => {
        const total = 3000;
        await Promise.all(
          Array.from({ length: total }, (_, index) =>
            store.appendMessage("rita", { from: "sam", content: `m${index + 1}`, sentAt: index }),
          ),
        );
        const drained: number[] = [];
        for (;;) {
          const page = await store.readMessages("rita", 0, 128);
          if (page.length === 0) break;
          drained.push(...page.map((message) => message.seq));
          expect(await store.ackMessages("rita", (page.at(-1) as { seq: number }).seq)).toBe(page.length);
        }
        expect(drained).toEqual(Array.from({ length: total }, (_, index) => index + 1));
        expect((await store.appendMessage("rita", { from: "sam", content: "next", sentAt: 0 })).seq).toBe(
          total + 1,
        );
      });

      it("rejects an append to a missing recipient with NOT_FOUND", async () => {
        await expectChatError(
          store.appendMessage("nobody", { from: "sam", content: "x", sentAt: 1 }),
          "NOT_FOUND",
        );
      });

      it("stores content byte-exact: multi-byte UTF-8, 512 bytes, and characters SQL or JSON care about", async () => {
        const contents = ["😀".repeat(128), "é".repeat(256), "'; DROP TABLE messages; --", '{"a":1}\n\t\\'];
        for (const content of contents)
          await store.appendMessage("rita", { from: "sam", content, sentAt: 1 });
        expect((await store.readMessages("rita", 0, 10)).map((message) => message.content)).toEqual(contents);
      });
    });

    describe("queue depth", () => {
      it("counts stored, unacknowledged messages over every recipient, if the store counts at all", async (context) => {
        const count = store.countMessages?.bind(store);
        if (count === undefined) {
          context.skip();
          return;
        }
        expect(await count()).toBe(0);
        await store.createAccount(account("uma"));
        await store.createAccount(account("vic"));
        for (let index = 1; index <= 3; index++) {
          await store.appendMessage("uma", { from: "sam", content: `u${index}`, sentAt: index });
          await store.appendMessage("vic", { from: "sam", content: `v${index}`, sentAt: index });
        }
        expect(await count()).toBe(6);
        await store.ackMessages("uma", 2);
        // Acknowledging again, or below what was acknowledged, removes nothing more.
        await store.ackMessages("uma", 1);
        expect(await count()).toBe(4);
        await store.deleteAccount("vic");
        expect(await count()).toBe(1);
        await store.ackMessages("uma", 3);
        expect(await count()).toBe(0);
      });
    });

    describe("idempotent appends", () => {
      beforeEach(async () => {
        await store.createAccount(account("rita"));
        await store.createAccount(account("sam"));
        await store.createAccount(account("tom"));
      });

      it("appends once and answers a repeat with the first receipt, storing nothing new", async () => {
        await store.appendMessage("rita", fromSam("before", 1));
        const first = await store.appendMessageOnce("rita", fromSam("hello", 10), dedupe("id-1", "d1"));
        expect(first).toEqual({
          repeated: false,
          message: { seq: 2, from: "sam", content: "hello", sentAt: 10 },
        });
        const again = await store.appendMessageOnce("rita", fromSam("hello", 20), {
          ...dedupe("id-1", "d1"),
          delivery: "live",
        });
        expect(again).toEqual({
          repeated: true,
          receipt: { recipientKey: "rita", seq: 2, sentAt: 10, delivery: "stored", contentDigest: "d1" },
        });
        expect((await store.readMessages("rita", 0, 10)).map((message) => message.content)).toEqual([
          "before",
          "hello",
        ]);
      });

      it("returns the first receipt for a repeat with another recipient or content, writing nothing", async () => {
        await store.appendMessageOnce("rita", fromSam("hello", 10), dedupe("id-1", "d1"));
        const other = await store.appendMessageOnce("tom", fromSam("other", 11), dedupe("id-1", "d2"));
        expect(other).toEqual({
          repeated: true,
          receipt: { recipientKey: "rita", seq: 1, sentAt: 10, delivery: "stored", contentDigest: "d1" },
        });
        expect(await store.readMessages("tom", 0, 10)).toEqual([]);
      });

      it("keys receipts by sender and the id's exact bytes", async () => {
        const samFirst = await store.appendMessageOnce("rita", fromSam("a", 1), dedupe("id", "d"));
        const tomSend = await store.appendMessageOnce(
          "rita",
          { from: "tom", content: "a", sentAt: 2 },
          { ...dedupe("id", "d"), senderKey: "tom" },
        );
        const longer = await store.appendMessageOnce("rita", fromSam("a", 3), dedupe("id\0", "d"));
        const bytes = Uint8Array.from([0, 255, 128]);
        const binary = await store.appendMessageOnce("rita", fromSam("a", 4), {
          ...dedupe("", "d"),
          clientMessageId: bytes,
        });
        const binaryAgain = await store.appendMessageOnce("rita", fromSam("a", 5), {
          ...dedupe("", "d"),
          clientMessageId: Uint8Array.from([0, 255, 128]),
        });
        expect([samFirst, tomSend, longer, binary].map((result) => result.repeated)).toEqual([
          false,
          false,
          false,
          false,
        ]);
        expect(binaryAgain).toMatchObject({ repeated: true, receipt: { seq: 4 } });
        expect(await store.readMessages("rita", 0, 10)).toHaveLength(4);
      });

      it("lets exactly one of many concurrent sends with one id append", async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            store.appendMessageOnce("rita", fromSam("race", 10 + index), dedupe("race", "d")),
          ),
        );
        expect(results.filter((result) => !result.repeated)).toHaveLength(1);
        for (const result of results) {
          const seq = result.repeated ? result.receipt.seq : result.message.seq;
          expect(seq).toBe(1);
        }
        expect(await store.readMessages("rita", 0, 100)).toHaveLength(1);
      });

      it("treats an id whose receipt expired as new", async () => {
        await store.appendMessageOnce("rita", fromSam("one", 10), dedupe("id", "d", 100));
        expect(
          await store.appendMessageOnce("rita", fromSam("one", 99), dedupe("id", "d", 200)),
        ).toMatchObject({
          repeated: true,
          receipt: { seq: 1 },
        });
        const later = await store.appendMessageOnce("rita", fromSam("one", 100), dedupe("id", "d", 300));
        expect(later).toMatchObject({ repeated: false, message: { seq: 2 } });
        // The new receipt replaced the expired one.
        expect(
          await store.appendMessageOnce("rita", fromSam("one", 150), dedupe("id", "d", 400)),
        ).toMatchObject({
          repeated: true,
          receipt: { seq: 2, sentAt: 100 },
        });
      });

      it("records nothing for a send that failed, so its retry can succeed", async () => {
        await expectChatError(
          store.appendMessageOnce("nobody", fromSam("x", 1), dedupe("id", "d")),
          "NOT_FOUND",
        );
        await store.appendMessage("rita", fromSam("fill", 2));
        await expectChatError(
          store.appendMessageOnce("rita", fromSam("x", 3), dedupe("id", "d"), { maxBacklog: 1 }),
          "RESOURCE_EXHAUSTED",
        );
        await store.ackMessages("rita", 1);
        const retry = await store.appendMessageOnce("rita", fromSam("x", 4), dedupe("id", "d"), {
          maxBacklog: 1,
        });
        expect(retry).toMatchObject({ repeated: false, message: { seq: 2, content: "x" } });
      });

      it("answers a repeat from the receipt even when the recipient is full or gone since", async () => {
        await store.appendMessageOnce("rita", fromSam("first", 1), dedupe("id", "d"));
        expect(
          await store.appendMessageOnce("rita", fromSam("first", 2), dedupe("id", "d"), { maxBacklog: 1 }),
        ).toMatchObject({ repeated: true, receipt: { seq: 1 } });
        await store.deleteAccount("rita");
        expect(await store.appendMessageOnce("rita", fromSam("first", 3), dedupe("id", "d"))).toMatchObject({
          repeated: true,
          receipt: { recipientKey: "rita", seq: 1 },
        });
      });

      it("forgets a sender's receipts with the sender's account", async () => {
        await store.appendMessageOnce("rita", fromSam("hello", 1), dedupe("id", "d"));
        await store.deleteAccount("sam");
        await store.createAccount(account("Sam"));
        const fresh = await store.appendMessageOnce("rita", fromSam("hello", 2), dedupe("id", "d"));
        expect(fresh).toMatchObject({ repeated: false, message: { seq: 2 } });
      });
    });

    describe("backlog cap", () => {
      beforeEach(async () => {
        await store.createAccount(account("rita"));
      });

      it("refuses an append past maxBacklog unacknowledged messages with RESOURCE_EXHAUSTED", async () => {
        for (let index = 1; index <= 3; index++) {
          await store.appendMessage("rita", fromSam(`m${index}`, index), { maxBacklog: 3 });
        }
        await expectChatError(
          store.appendMessage("rita", fromSam("m4", 4), { maxBacklog: 3 }),
          "RESOURCE_EXHAUSTED",
        );
        expect(await store.readMessages("rita", 0, 10)).toHaveLength(3);
        // Acknowledging makes room; the refused append used no sequence number.
        await store.ackMessages("rita", 2);
        expect((await store.appendMessage("rita", fromSam("m4", 5), { maxBacklog: 3 })).seq).toBe(4);
        expect((await store.appendMessage("rita", fromSam("m5", 6), { maxBacklog: 3 })).seq).toBe(5);
        await expectChatError(
          store.appendMessage("rita", fromSam("m6", 7), { maxBacklog: 3 }),
          "RESOURCE_EXHAUSTED",
        );
        // No limit given: no cap.
        expect((await store.appendMessage("rita", fromSam("m6", 8))).seq).toBe(6);
      });

      it("enforces the cap atomically under concurrent appends", async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 40 }, (_, index) =>
            store.appendMessage("rita", fromSam(`m${index}`, index), { maxBacklog: 25 }),
          ),
        );
        expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(25);
        for (const result of results) {
          if (result.status === "rejected")
            expect((result.reason as ChatError).code).toBe("RESOURCE_EXHAUSTED");
        }
        const stored = await store.readMessages("rita", 0, 100);
        expect(stored.map((message) => message.seq)).toEqual(
          Array.from({ length: 25 }, (_, index) => index + 1),
        );
      });
    });

    describe.skipIf(options.reopen === undefined)("persistence", () => {
      it("keeps accounts, hashes, messages, acks and sequence numbers across a reopen", async () => {
        const reopen = options.reopen as NonNullable<StoreContractOptions["reopen"]>;
        await store.createAccount(account("Pat", "hash-1"));
        for (let index = 1; index <= 3; index++) {
          await store.appendMessage("pat", { from: "sam", content: `m${index}`, sentAt: index });
        }
        await store.ackMessages("pat", 1);
        store = await reopen(store);
        expect(await store.getAccount("pat")).toEqual(account("Pat", "hash-1"));
        expect((await store.readMessages("pat", 0, 10)).map((message) => message.content)).toEqual([
          "m2",
          "m3",
        ]);
        expect((await store.appendMessage("pat", { from: "sam", content: "m4", sentAt: 4 })).seq).toBe(4);
        // A count kept in memory is seeded from the data at open.
        if (store.countMessages !== undefined) expect(await store.countMessages()).toBe(3);
      });

      it("keeps idempotent-send receipts across a reopen", async () => {
        const reopen = options.reopen as NonNullable<StoreContractOptions["reopen"]>;
        await store.createAccount(account("rita"));
        await store.createAccount(account("sam"));
        const first = await store.appendMessageOnce("rita", fromSam("hello", 10), {
          ...dedupe("id-1", "d1"),
          delivery: "live",
        });
        store = await reopen(store);
        expect(await store.appendMessageOnce("rita", fromSam("hello", 20), dedupe("id-1", "d1"))).toEqual({
          repeated: true,
          receipt: {
            recipientKey: "rita",
            seq: first.repeated ? -1 : first.message.seq,
            sentAt: 10,
            delivery: "live",
            contentDigest: "d1",
          },
        });
        expect(await store.readMessages("rita", 0, 10)).toHaveLength(1);
      });
    });
  });
}
