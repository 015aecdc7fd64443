import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatClient } from "../chat-client.js";
import { NO_BACKOFF, UNLIMITED_RATE } from "../chat-limits.js";
import type { IncomingMessage } from "../delivery.js";
import {
  CLIENT_MESSAGE_ID_MAX_BYTES,
  CONTENT_MAX_BYTES,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_BYTES,
  USERNAME_MAX_BYTES,
} from "../rules.js";
import { describeConformanceLimits } from "./conformance-limits.js";
import { describeConformanceModel } from "./conformance-model.js";
import { ConformanceWorld, PASSWORD, type TestUser } from "./conformance-world.js";
import { expectChatError } from "./expect-chat-error.js";
import type { StartConformanceServer } from "./harness.js";
import { listEveryPage } from "./list-every-page.js";
import { LISTING_NAMES, LISTING_ORDER } from "./listing-fixture.js";

/** A client message id for conformance sends: `text`'s bytes. */
function messageId(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * The behaviour spec of the chat, as one vitest suite every transport runs unchanged over its own client:
 *
 * ```ts
 * describeConformance("wire", async (service) => {
 *   const server = new WireServer(service);
 *   const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
 *   return { connect: async () => { const c = new WireClient({ port }); await c.connect(); return c; },
 *            stop: () => server.close() };
 * });
 * ```
 *
 * Each test gets a fresh service (memory store, cheap password hashing) and a fresh server.
 */
export function describeConformance(transport: string, startServer: StartConformanceServer): void {
  describe(`chat conformance over ${transport}`, () => {
    let world: ConformanceWorld;

    beforeEach(async () => {
      world = await ConformanceWorld.start(startServer);
    });

    afterEach(async () => {
      await world.dispose();
    });

    describe("registration rules", () => {
      it("registers, then logs in with any letter case and gets the registered spelling back", async () => {
        const client = await world.client();
        await client.register("Alice", PASSWORD);
        expect(await client.login("aLiCe", PASSWORD)).toEqual({ username: "Alice" });
      });

      it("accepts usernames of 1 and 16 bytes from [A-Za-z0-9_.-]", async () => {
        const client = await world.client();
        await client.register("x", PASSWORD);
        await client.register("A-b_c.D-0123456z", PASSWORD);
        expect((await client.listAccounts()).usernames).toEqual(["A-b_c.D-0123456z", "x"]);
      });

      it.each([
        ["empty", ""],
        ["17 bytes", "a".repeat(USERNAME_MAX_BYTES + 1)],
        ["a space", "bad name"],
        ["a non-ASCII letter", "josé"],
        ["a slash", "a/b"],
        ["an asterisk", "a*"],
      ])("rejects a username with %s as INVALID_ARGUMENT", async (_case, username) => {
        const client = await world.client();
        const error = await expectChatError(client.register(username, PASSWORD), "INVALID_ARGUMENT");
        expect(error.message).toMatch(/username/i);
        expect((await client.listAccounts()).usernames).toEqual([]);
      });

      it("accepts passwords of 8 and 64 bytes, counting UTF-8 bytes", async () => {
        const client = await world.client();
        await client.register("p8", "x".repeat(PASSWORD_MIN_BYTES));
        await client.register("p64", "x".repeat(PASSWORD_MAX_BYTES));
        await client.register("accent", "é".repeat(PASSWORD_MAX_BYTES / 2));
        await client.login("accent", "é".repeat(PASSWORD_MAX_BYTES / 2));
      });

      it.each([
        ["7 bytes", "x".repeat(PASSWORD_MIN_BYTES - 1)],
        ["65 bytes", "x".repeat(PASSWORD_MAX_BYTES + 1)],
        ["66 bytes in 33 characters", "é".repeat(PASSWORD_MAX_BYTES / 2 + 1)],
        ["a NUL byte", "pass\0word"],
      ])("rejects a password of %s as INVALID_ARGUMENT", async (_case, password) => {
        const client = await world.client();
        const error = await expectChatError(client.register("weak", password), "INVALID_ARGUMENT");
        expect(error.message).toMatch(/password/i);
      });

      it("keeps usernames unique ignoring case: ALREADY_EXISTS", async () => {
        const client = await world.client();
        await client.register("bob", PASSWORD);
        await expectChatError(client.register("Bob", "another password"), "ALREADY_EXISTS");
        await expectChatError(client.register("bob", PASSWORD), "ALREADY_EXISTS");
        expect((await client.listAccounts()).usernames).toEqual(["bob"]);
      });

      it("lets exactly one of two concurrent registrations of one name win", async () => {
        const [first, second] = [await world.client(), await world.client()];
        const results = await Promise.allSettled([
          first.register("race", PASSWORD),
          second.register("RACE", "other password"),
        ]);
        expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
        const loser = results.find((result) => result.status === "rejected");
        expect((loser as PromiseRejectedResult).reason).toMatchObject({ code: "ALREADY_EXISTS" });
        expect((await first.listAccounts()).usernames).toHaveLength(1);
      });
    });

    describe("login and sessions", () => {
      it("answers a wrong password and an unknown user with the same UNAUTHENTICATED message", async () => {
        const client = await world.client();
        await client.register("carol", PASSWORD);
        const wrong = await expectChatError(client.login("carol", "not the password"), "UNAUTHENTICATED");
        const unknown = await expectChatError(client.login("nobody", PASSWORD), "UNAUTHENTICATED");
        expect(wrong.message).toBe(unknown.message);
        await client.login("carol", PASSWORD);
      });

      it("allows one live device per account: a second login fails with FAILED_PRECONDITION", async () => {
        const first = await world.user("dave");
        const second = await world.client();
        const error = await expectChatError(second.login("DAVE", PASSWORD), "FAILED_PRECONDITION");
        expect(error.message).toMatch(/already logged in/i);
        // The first device was not logged out by the attempt.
        const sender = await world.user("erin");
        await sender.client.send("dave", "still there?");
        expect((await first.inbox.next()).content).toBe("still there?");
      });

      it("allows one session per connection: logging in again on it fails with FAILED_PRECONDITION", async () => {
        const client = await world.client();
        await client.register("frank", PASSWORD);
        await client.register("grace", PASSWORD);
        await client.login("frank", PASSWORD);
        await expectChatError(client.login("grace", PASSWORD), "FAILED_PRECONDITION");
        await expectChatError(client.login("frank", PASSWORD), "FAILED_PRECONDITION");
        // grace is still free to log in elsewhere.
        const other = await world.client();
        await other.login("grace", PASSWORD);
      });

      it("logs out, after which the same connection or another device may log in", async () => {
        const { client } = await world.user("heidi");
        await client.logout();
        const other = await world.client();
        await other.login("heidi", PASSWORD);
        await other.logout();
        await client.login("heidi", PASSWORD);
      });

      it("requires a session for send, ack, logout and deleteAccount: UNAUTHENTICATED", async () => {
        const client = await world.client();
        await client.register("ivan", PASSWORD);
        await expectChatError(client.send("ivan", "hi"), "UNAUTHENTICATED");
        await expectChatError(client.ack(1), "UNAUTHENTICATED");
        await expectChatError(client.logout(), "UNAUTHENTICATED");
        await expectChatError(client.deleteAccount(), "UNAUTHENTICATED");
        expect((await client.listAccounts()).usernames).toEqual(["ivan"]);
      });

      it("ends the session when the connection closes, so the account can log in elsewhere", async () => {
        const { client } = await world.user("judy");
        await client.close();
        await world.loginEventually(await world.client(), "judy");
      });

      it("settles `closed` with UNAVAILABLE and ends `messages` when the server stops", async () => {
        const { client, inbox } = await world.user("ken");
        await world.server.stop();
        const reason = await client.closed;
        expect(reason?.code).toBe("UNAVAILABLE");
        await expect(inbox.take(1, 1000)).rejects.toThrow(/ended|got 0/);
        await expectChatError(client.listAccounts(), "UNAVAILABLE");
      });

      it("settles `closed` with undefined after the client's own close()", async () => {
        const client = await world.client();
        await client.close();
        expect(await client.closed).toBeUndefined();
        await expectChatError(client.register("late", PASSWORD), "UNAVAILABLE");
      });
    });

    describe("deleting an account", () => {
      /** `recipient` logs out, `sender` sends it `content` (stored for it), and it logs in again. */
      async function sendWhileLoggedOut(recipient: TestUser, sender: ChatClient, content: string) {
        await recipient.client.logout();
        await sender.send(recipient.username, content);
        await recipient.client.login(recipient.username, PASSWORD);
      }

      it("confirms, ends the session, forgets the account and its queued mail", async () => {
        const alice = await world.user("alice");
        const { client: bob } = await world.user("bob");
        await sendWhileLoggedOut(alice, bob, "you will never read this");
        await alice.inbox.take(1);
        await alice.client.deleteAccount();
        await expectChatError(alice.client.send("bob", "ghost"), "UNAUTHENTICATED");
        await expectChatError(alice.client.login("alice", PASSWORD), "UNAUTHENTICATED");
        expect((await bob.listAccounts()).usernames).toEqual(["bob"]);
        const error = await expectChatError(bob.send("ALICE", "hello?"), "NOT_FOUND");
        expect(error.message).toMatch(/alice/i);
      });

      it("frees the name: a new owner registers it and sees none of the old mail", async () => {
        const old = await world.user("reuse");
        const { client: sender } = await world.user("sender");
        await sendWhileLoggedOut(old, sender, "for the old owner");
        await old.client.deleteAccount();
        const fresh = await world.user("Reuse", "new password");
        expect(await fresh.inbox.quiet()).toEqual([]);
        await sender.send("reuse", "for the new owner");
        const message = await fresh.inbox.next();
        expect(message.content).toBe("for the new owner");
      });

      it("deletes only the caller's own account", async () => {
        const mallory = await world.user("mallory");
        await world.user("victim");
        await mallory.client.deleteAccount();
        expect((await mallory.client.listAccounts()).usernames).toEqual(["victim"]);
      });
    });

    describe("listing accounts", () => {
      beforeEach(async () => {
        const client = await world.client();
        for (const name of LISTING_NAMES) await client.register(name, PASSWORD);
      });

      it("lists every account without a login, case-insensitively sorted, in registered spelling", async () => {
        const client = await world.client();
        expect((await client.listAccounts()).usernames).toEqual(LISTING_ORDER);
        expect((await client.listAccounts({ pattern: "" })).usernames).toEqual(LISTING_ORDER);
      });

      it.each([
        ["al*", ["al", "Alpha", "alpine"]],
        ["AL", ["al"]],
        ["*HA", ["Alpha"]],
        ["?ravo", ["Bravo"]],
        ["a?b", ["a-b", "a.b"]],
        ["a.b", ["a.b"]],
        ["*l*", ["al", "Alpha", "alpine", "charlie", "delta"]],
        ["e*o", ["echo"]],
        ["ech", []],
        ["*", LISTING_ORDER],
        ["\\*", []],
        ["a\\?b", []],
      ])("filters with the anchored, case-insensitive wildcard %j", async (pattern, expected) => {
        const client = await world.client();
        expect((await client.listAccounts({ pattern })).usernames).toEqual(expected);
      });

      it.each([
        ["17 bytes", "a".repeat(17)],
        ["a trailing lone backslash", "al\\"],
      ])("rejects a wildcard of %s as INVALID_ARGUMENT", async (_case, pattern) => {
        const client = await world.client();
        const error = await expectChatError(client.listAccounts({ pattern }), "INVALID_ARGUMENT");
        expect(error.message).toMatch(/wildcard/i);
      });

      it("pages with a cursor through every name exactly once", async () => {
        const client = await world.client();
        const { usernames: seen, pages } = await listEveryPage(client, 3, 3);
        expect(seen).toEqual((await client.listAccounts()).usernames);
        expect(pages).toBeGreaterThanOrEqual(3);
      });

      it("pages a filtered listing too", async () => {
        const client = await world.client();
        const first = await client.listAccounts({ pattern: "a*", pageSize: 2 });
        expect(first.usernames).toEqual(["a-b", "a.b"]);
        expect(first.nextCursor).toBeDefined();
        const second = await client.listAccounts({
          pattern: "a*",
          pageSize: 2,
          cursor: first.nextCursor as string,
        });
        expect(second.usernames).toEqual(["al", "Alpha"]);
      });

      it("rejects a forged cursor and a page size out of range as INVALID_ARGUMENT", async () => {
        const client = await world.client();
        await expectChatError(client.listAccounts({ cursor: "not-a-cursor" }), "INVALID_ARGUMENT");
        await expectChatError(client.listAccounts({ pageSize: 0 }), "INVALID_ARGUMENT");
      });
    });

    describe("messages", () => {
      it("delivers live, with sender spelling, content, sequence number and time, and says so", async () => {
        const alice = await world.user("Alice");
        const bob = await world.user("bob");
        const before = Date.now();
        const result = await alice.client.send("BOB", "hello, bob");
        expect(result.delivery).toBe("live");
        expect(result.seq).toBeGreaterThan(0);
        const message = await bob.inbox.next();
        expect(message).toEqual({
          seq: result.seq,
          from: "Alice",
          content: "hello, bob",
          sentAt: result.sentAt,
        });
        expect(message.sentAt).toBeGreaterThanOrEqual(before - 1000);
        expect(message.sentAt).toBeLessThanOrEqual(Date.now() + 1000);
        expect(await alice.inbox.quiet()).toEqual([]);
      });

      it("lets a user message themself (the paddle test)", async () => {
        const paddle = await world.user("paddle");
        for (let round = 0; round < 5; round++) {
          const result = await paddle.client.send("paddle", `ball ${round}`);
          expect(result.delivery).toBe("live");
          expect((await paddle.inbox.next()).content).toBe(`ball ${round}`);
        }
      });

      it("carries 512 bytes of UTF-8 content byte-exact, emoji counted as 4 bytes", async () => {
        const [alice, bob] = await world.users("alice", "bob");
        const contents = [
          "😀".repeat(CONTENT_MAX_BYTES / 4),
          "x".repeat(CONTENT_MAX_BYTES),
          "a",
          "tab\tand\nnewline",
        ];
        for (const content of contents) await alice.client.send("bob", content);
        expect((await bob.inbox.take(contents.length)).map((message) => message.content)).toEqual(contents);
      });

      it.each([
        ["empty", ""],
        ["513 bytes", "x".repeat(CONTENT_MAX_BYTES + 1)],
        ["129 emoji (516 bytes)", "😀".repeat(CONTENT_MAX_BYTES / 4 + 1)],
        ["a NUL byte", "a\0b"],
      ])("rejects %s content as INVALID_ARGUMENT, delivering nothing", async (_case, content) => {
        const [alice, bob] = await world.users("alice", "bob");
        const error = await expectChatError(alice.client.send("bob", content), "INVALID_ARGUMENT");
        expect(error.message).toMatch(/message/i);
        expect(await bob.inbox.quiet()).toEqual([]);
      });

      it("names the missing recipient: NOT_FOUND, and INVALID_ARGUMENT for a malformed name", async () => {
        const alice = await world.user("alice");
        const error = await expectChatError(alice.client.send("nobody", "hello"), "NOT_FOUND");
        expect(error.message).toContain("nobody");
        await expectChatError(alice.client.send("no body", "hello"), "INVALID_ARGUMENT");
      });

      it("stores messages for an offline user and delivers them in order at the next login", async () => {
        const alice = await world.user("alice");
        const { client: bob, inbox } = await world.guest();
        await bob.register("bob", PASSWORD);
        const sent = [];
        for (let index = 0; index < 20; index++)
          sent.push(await alice.client.send("bob", `offline ${index}`));
        expect(sent.every((result) => result.delivery === "stored")).toBe(true);
        expect(sent.map((result) => result.seq)).toEqual(
          [...sent.map((result) => result.seq)].sort((a, b) => a - b),
        );
        await bob.login("bob", PASSWORD);
        const received = await inbox.take(20);
        expect(received.map((message) => message.content)).toEqual(
          sent.map((_, index) => `offline ${index}`),
        );
        expect(received.map((message) => message.seq)).toEqual(sent.map((result) => result.seq));
      });

      it("never lets a live message overtake a stored one, and leaves no gap", async () => {
        const alice = await world.user("alice");
        const { client: bob, inbox } = await world.guest();
        await bob.register("bob", PASSWORD);
        for (let index = 0; index < 50; index++) await alice.client.send("bob", `stored ${index}`);
        const login = bob.login("bob", PASSWORD);
        const live = [];
        for (let index = 0; index < 50; index++) live.push(alice.client.send("bob", `during ${index}`));
        await login;
        await Promise.all(live);
        const received = await inbox.take(100);
        const seqs = received.map((message) => message.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(100);
        expect((seqs[99] as number) - (seqs[0] as number)).toBe(99);
        expect(received.slice(0, 50).map((message) => message.content)).toEqual(
          Array.from({ length: 50 }, (_, index) => `stored ${index}`),
        );
        expect(await inbox.quiet()).toEqual([]);
      });

      it("delivers between many clients, both ways, exactly once each", async () => {
        const users = await Promise.all(["u0", "u1", "u2", "u3"].map((name) => world.user(name)));
        await Promise.all(
          users.flatMap((from) =>
            users
              .filter((to) => to !== from)
              .map((to) => from.client.send(to.username, `${from.username}->${to.username}`)),
          ),
        );
        for (const user of users) {
          const received = (await user.inbox.take(3)).map((message) => message.content).sort();
          expect(received).toEqual(
            users.filter((other) => other !== user).map((other) => `${other.username}->${user.username}`),
          );
          expect(await user.inbox.quiet(50)).toEqual([]);
        }
      });

      it("keeps one sender's messages in the order sent", async () => {
        const [alice, bob] = await world.users("alice", "bob");
        await Promise.all(Array.from({ length: 100 }, (_, index) => alice.client.send("bob", `m${index}`)));
        const received = await bob.inbox.take(100);
        expect(received.map((message) => message.content)).toEqual(
          Array.from({ length: 100 }, (_, index) => `m${index}`),
        );
      });
    });

    describe("acknowledgements", () => {
      /** `from` sends `m1` … `m<count>` to `to`, one after another; resolves with them as `to` received them. */
      async function sendNumbered(from: TestUser, to: TestUser, count: number): Promise<IncomingMessage[]> {
        for (let index = 1; index <= count; index++) await from.client.send(to.username, `m${index}`);
        return to.inbox.take(count);
      }

      it("redelivers unacknowledged messages, in order, at the next login after a dropped connection", async () => {
        const [alice, bob] = await world.users("alice", "bob");
        const first = await sendNumbered(alice, bob, 3);
        await bob.client.ack((first[0] as { seq: number }).seq);
        await bob.client.close();
        const again = await world.guest();
        await world.loginEventually(again.client, "bob");
        const redelivered = await again.inbox.take(2);
        expect(redelivered).toEqual(first.slice(1));
        expect(await again.inbox.quiet()).toEqual([]);
      });

      it("acknowledges cumulatively: acked messages never come back after logout", async () => {
        const [alice, bob] = await world.users("alice", "bob");
        const received = await sendNumbered(alice, bob, 4);
        await bob.client.ack((received[3] as { seq: number }).seq);
        await bob.client.logout();
        await bob.client.login("bob", PASSWORD);
        expect(await bob.inbox.quiet()).toEqual([]);
        const next = await alice.client.send("bob", "m5");
        expect(next.seq).toBeGreaterThan((received[3] as { seq: number }).seq);
        expect((await bob.inbox.next()).content).toBe("m5");
      });

      it("accepts a repeated or older ack, and rejects an ack beyond what was delivered", async () => {
        const [alice, bob] = await world.users("alice", "bob");
        const sent = await alice.client.send("bob", "only one");
        await bob.inbox.next();
        await bob.client.ack(sent.seq);
        await bob.client.ack(sent.seq);
        await bob.client.ack(0);
        await expectChatError(bob.client.ack(sent.seq + 10), "INVALID_ARGUMENT");
      });
    });

    describe("idempotent send", () => {
      it("stores a message sent twice with one client message id once, answering both alike", async () => {
        const alice = await world.user("alice");
        const { client: bob, inbox } = await world.guest();
        await bob.register("bob", PASSWORD);
        const id = messageId("alice-0001");
        const first = await alice.client.send("bob", "hello once", { clientMessageId: id });
        expect(first.delivery).toBe("stored");
        const again = await alice.client.send("BOB", "hello once", {
          clientMessageId: messageId("alice-0001"),
        });
        expect(again).toEqual(first);
        const after = await alice.client.send("bob", "after");
        expect(after.seq).toBe(first.seq + 1);
        await bob.login("bob", PASSWORD);
        expect((await inbox.take(2)).map((message) => [message.seq, message.content])).toEqual([
          [first.seq, "hello once"],
          [after.seq, "after"],
        ]);
        expect(await inbox.quiet()).toEqual([]);
      });

      it("repeats the first answer's delivery mode and time, whatever changed since", async () => {
        const [alice, bob] = await world.users("alice", "bob");
        const id = messageId("live-one");
        const first = await alice.client.send("bob", "while online", { clientMessageId: id });
        expect(first.delivery).toBe("live");
        expect((await bob.inbox.next()).seq).toBe(first.seq);
        await bob.client.ack(first.seq);
        await bob.client.logout();
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(await alice.client.send("bob", "while online", { clientMessageId: id })).toEqual(first);
        await bob.client.login("bob", PASSWORD);
        expect(await bob.inbox.quiet()).toEqual([]);
      });

      it("answers concurrent sends with one id with one message and one answer", async () => {
        const [alice, bob] = await world.users("alice", "bob");
        const id = messageId("burst");
        const results = await Promise.all(
          Array.from({ length: 10 }, () => alice.client.send("bob", "burst", { clientMessageId: id })),
        );
        for (const result of results) expect(result).toEqual(results[0]);
        expect((await bob.inbox.next()).content).toBe("burst");
        expect(await bob.inbox.quiet()).toEqual([]);
      });

      it("rejects a reused id with other content or another recipient as INVALID_ARGUMENT, storing nothing", async () => {
        const [alice, bob, carol] = await world.users("alice", "bob", "carol");
        const id = messageId("reused");
        const first = await alice.client.send("bob", "original", { clientMessageId: id });
        const content = await expectChatError(
          alice.client.send("bob", "changed", { clientMessageId: id }),
          "INVALID_ARGUMENT",
        );
        expect(content.message).toMatch(/client message id/i);
        await expectChatError(
          alice.client.send("carol", "original", { clientMessageId: id }),
          "INVALID_ARGUMENT",
        );
        expect((await bob.inbox.next()).seq).toBe(first.seq);
        expect(await bob.inbox.quiet()).toEqual([]);
        expect(await carol.inbox.quiet()).toEqual([]);
      });

      it("keeps ids per sender, and never deduplicates sends without an id", async () => {
        const [alice, erin, bob] = await world.users("alice", "erin", "bob");
        const id = messageId("shared");
        const fromAlice = await alice.client.send("bob", "same text", { clientMessageId: id });
        const fromErin = await erin.client.send("bob", "same text", { clientMessageId: id });
        expect(fromErin.seq).toBe(fromAlice.seq + 1);
        const plain = [
          await alice.client.send("bob", "same text"),
          await alice.client.send("bob", "same text"),
        ];
        expect(plain[1]?.seq).toBe((plain[0]?.seq ?? 0) + 1);
        const received = await bob.inbox.take(4);
        expect(received.map((message) => message.from)).toEqual(["alice", "erin", "alice", "alice"]);
      });

      it.each([
        ["empty", 0],
        ["one byte too long", CLIENT_MESSAGE_ID_MAX_BYTES + 1],
      ])("rejects a client message id that is %s as INVALID_ARGUMENT", async (_case, length) => {
        const [alice, bob] = await world.users("alice", "bob");
        const error = await expectChatError(
          alice.client.send("bob", "x", { clientMessageId: new Uint8Array(length).fill(7) }),
          "INVALID_ARGUMENT",
        );
        expect(error.message).toMatch(/client message id/i);
        const longest = new Uint8Array(CLIENT_MESSAGE_ID_MAX_BYTES).fill(255);
        await alice.client.send("bob", "longest id", { clientMessageId: longest });
        expect((await bob.inbox.next()).content).toBe("longest id");
        expect(await bob.inbox.quiet()).toEqual([]);
      });
    });

    describe("backlog cap", () => {
      it("refuses a send past the recipient's backlog with RESOURCE_EXHAUSTED until they acknowledge", async () => {
        const capped = await ConformanceWorld.start(startServer, { maxBacklog: 3 });
        try {
          const alice = await capped.user("alice");
          const { client: bob, inbox } = await capped.guest();
          await bob.register("bob", PASSWORD);
          for (let index = 1; index <= 3; index++) await alice.client.send("bob", `m${index}`);
          const full = await expectChatError(alice.client.send("bob", "m4"), "RESOURCE_EXHAUSTED");
          expect(full.message).toContain("bob");
          await expectChatError(
            alice.client.send("bob", "m4", { clientMessageId: messageId("m4") }),
            "RESOURCE_EXHAUSTED",
          );
          await bob.login("bob", PASSWORD);
          const received = await inbox.take(3);
          expect(received.map((message) => message.content)).toEqual(["m1", "m2", "m3"]);
          // Delivered is not enough: only an acknowledgement frees room.
          await expectChatError(alice.client.send("bob", "m4"), "RESOURCE_EXHAUSTED");
          await bob.ack((received[0] as { seq: number }).seq);
          const retried = await alice.client.send("bob", "m4", { clientMessageId: messageId("m4") });
          expect(retried.seq).toBe((received[2] as { seq: number }).seq + 1);
          expect((await inbox.next()).content).toBe("m4");
        } finally {
          await capped.dispose();
        }
      });
    });

    describe("concurrency", () => {
      it("delivers a message sent while its recipient is logging in exactly once, in order", async () => {
        const alice = await world.user("alice");
        for (let round = 0; round < 5; round++) {
          const { client: bob, inbox } = await world.guest();
          if (round === 0) await bob.register("bob", PASSWORD);
          const sends = [alice.client.send("bob", `before ${round}`)];
          const login = world.loginEventually(bob, "bob");
          sends.push(alice.client.send("bob", `during ${round}`));
          await login;
          sends.push(alice.client.send("bob", `after ${round}`));
          const results = await Promise.all(sends);
          const received = await inbox.take(3);
          expect(received.map((message) => message.content)).toEqual([
            `before ${round}`,
            `during ${round}`,
            `after ${round}`,
          ]);
          expect(received.map((message) => message.seq)).toEqual(results.map((result) => result.seq));
          expect(await inbox.quiet(50)).toEqual([]);
          await bob.ack(results[2]?.seq ?? 0);
          await bob.close();
        }
      });
    });

    describe("the client's life: state, deadlines, signals", () => {
      /** How long a held request is given in these tests: long enough to be sent, short enough to wait. */
      const SHORT_DEADLINE_MS = 100;

      it("is open once connected, closed after close(), and `closed` then settles with undefined", async () => {
        const client = await world.client();
        expect(client.state).toBe("open");
        await client.close();
        expect(client.state).toBe("closed");
        expect(await client.closed).toBeUndefined();
        await client.close();
        await expectChatError(client.connect(), "UNAVAILABLE");
      });

      it("rejects a request past its own deadline with UNAVAILABLE and stays usable", async () => {
        const client = await world.client();
        const release = world.holdPasswordHashing();
        const error = await expectChatError(
          client.register("late", PASSWORD, { timeoutMs: SHORT_DEADLINE_MS }),
          "UNAVAILABLE",
        );
        expect(error.message).toContain(`within ${SHORT_DEADLINE_MS} ms`);
        expect(error.cause).toMatchObject({ name: "TimeoutError" });
        release();
        // The late answer, whenever it comes, is not taken for the answer to a later request.
        expect(client.state).toBe("open");
        expect((await client.listAccounts({ pattern: "nobody*" })).usernames).toEqual([]);
        await client.register("prompt", PASSWORD);
        expect((await client.listAccounts({ pattern: "prompt" })).usernames).toEqual(["prompt"]);
      });

      it("rejects a request whose signal aborts with UNAVAILABLE, the signal's reason as cause", async () => {
        const client = await world.client();
        const release = world.holdPasswordHashing();
        const controller = new AbortController();
        const login = client.login("nobody", PASSWORD, { signal: controller.signal });
        const reason = new Error("the user changed their mind");
        controller.abort(reason);
        const error = await expectChatError(login, "UNAVAILABLE");
        expect(error.cause).toBe(reason);
        release();
        expect(client.state).toBe("open");
        expect((await client.listAccounts()).usernames).toEqual([]);
      });

      it("sends nothing for a signal that has already aborted", async () => {
        const client = await world.client();
        const error = await expectChatError(
          client.register("never", PASSWORD, { signal: AbortSignal.abort() }),
          "UNAVAILABLE",
        );
        expect(error.cause).toMatchObject({ name: "AbortError" });
        expect((await client.listAccounts()).usernames).toEqual([]);
      });

      it("rejects a deadline that is not 0 or a positive number as INVALID_ARGUMENT, sending nothing", async () => {
        const client = await world.client();
        await expectChatError(client.register("bad", PASSWORD, { timeoutMs: -1 }), "INVALID_ARGUMENT");
        await expectChatError(client.listAccounts({}, { timeoutMs: Number.NaN }), "INVALID_ARGUMENT");
        expect((await client.listAccounts({}, { timeoutMs: 0 })).usernames).toEqual([]);
      });

      it("fails requests in flight at close() with UNAVAILABLE", async () => {
        const client = await world.client();
        const release = world.holdPasswordHashing();
        const register = client.register("inflight", PASSWORD);
        const closing = client.close();
        await expectChatError(register, "UNAVAILABLE");
        release();
        await closing;
        expect(await client.closed).toBeUndefined();
      });
    });

    describeConformanceLimits(startServer);

    describe("model", () => {
      let modelWorld: ConformanceWorld;

      // Hundreds of logins (half of them wrong), registrations and listings from one address in one world:
      // far past the per-address defaults, which the model is not about ("abuse limits" tests those).
      beforeEach(async () => {
        modelWorld = await ConformanceWorld.start(startServer, {
          limits: {
            loginBackoffPerAccountAndAddress: NO_BACKOFF,
            loginBackoffPerAddress: NO_BACKOFF,
            registrationsPerAddress: UNLIMITED_RATE,
            listingsPerAddress: UNLIMITED_RATE,
          },
        });
      });

      afterEach(async () => {
        await modelWorld.dispose();
      });

      describeConformanceModel(() => modelWorld);
    });
  });
}
