import { afterEach, describe, expect, it, type TestContext } from "vitest";
import type { ChatClient } from "../chat-client.js";
import type { ChatError } from "../chat-error.js";
import type { ChatLimits } from "../chat-limits.js";
import { ConformanceWorld, PASSWORD } from "./conformance-world.js";
import { expectChatError } from "./expect-chat-error.js";
import type { StartConformanceServer } from "./harness.js";
import { listEveryPage } from "./list-every-page.js";

/** A wait no test lasts: a limit with it never refills during the test. */
const LONG_WAIT_MS = 10 * 60_000;
/** A refill rate no test sees a token of. */
const NEVER = 1 / (24 * 60 * 60);

/** An exponential backoff with `freeFailures` free failures, then a wait no test lasts. */
function strictBackoff(freeFailures: number): ChatLimits["loginBackoffPerAddress"] {
  return { freeFailures, firstDelayMs: LONG_WAIT_MS, maxDelayMs: LONG_WAIT_MS, forgetAfterMs: LONG_WAIT_MS };
}

/** Checks that a refusal is a well-formed "try later": a retry hint, in the error and in its text. */
function expectRetryHint(error: ChatError, atMostMs: number): void {
  expect(error.retryAfterMs, error.message).toBeGreaterThan(0);
  expect(error.retryAfterMs).toBeLessThanOrEqual(atMostMs);
  expect(error.message).toMatch(/retry after \d+ ms$/);
}

/**
 * The abuse limits, as every transport must enforce them (they live in core, so each transport only has to
 * carry the refusal, its retry hint and the peer's address). Each test starts its own world with small
 * limits. Tests that need two clients counted as one source address use `clientFrom` and are skipped where
 * the harness has no `connectFrom`.
 */
export function describeConformanceLimits(startServer: StartConformanceServer): void {
  describe("abuse limits", () => {
    let limited: ConformanceWorld | undefined;

    afterEach(async () => {
      await limited?.dispose();
      limited = undefined;
    });

    async function start(limits: Partial<ChatLimits>): Promise<ConformanceWorld> {
      limited = await ConformanceWorld.start(startServer, { limits });
      return limited;
    }

    /** A client from `sourceAddress`, or the test is skipped when the transport cannot pick one. */
    async function from(
      world: ConformanceWorld,
      sourceAddress: string,
      context: TestContext,
    ): Promise<ChatClient> {
      const client = await world.clientFrom(sourceAddress);
      if (client === undefined) context.skip("this harness cannot connect from another address");
      return client as ChatClient;
    }

    it("throttles failed logins per account and address before hashing; the owner still logs in from elsewhere", async (context) => {
      const world = await start({ loginBackoffPerAccountAndAddress: strictBackoff(3) });
      const owner = await world.client();
      await owner.register("victim", PASSWORD);
      const attacker = await from(world, "127.0.0.2", context);
      for (let guess = 1; guess <= 3; guess++) {
        await expectChatError(attacker.login("victim", `wrong guess ${guess}`), "UNAUTHENTICATED");
      }
      const hashed = world.hashesRun;
      const throttled = await expectChatError(
        attacker.login("victim", "wrong guess 4"),
        "RESOURCE_EXHAUSTED",
      );
      expectRetryHint(throttled, LONG_WAIT_MS);
      // Not even the right password is checked from there while the wait lasts: nothing is hashed.
      await expectChatError(attacker.login("victim", PASSWORD), "RESOURCE_EXHAUSTED");
      expect(world.hashesRun).toBe(hashed);
      // The owner, from their own address, is not locked out.
      const home = await from(world, "127.0.0.3", context);
      expect(await home.login("victim", PASSWORD)).toEqual({ username: "victim" });
    });

    it("throttles failed logins spread over many accounts from one address, unknown names included", async () => {
      const world = await start({ loginBackoffPerAddress: strictBackoff(3) });
      const setup = await world.client();
      for (const name of ["amy", "ben", "cal"]) await setup.register(name, PASSWORD);
      const attacker = await world.client();
      await expectChatError(attacker.login("amy", "wrong password"), "UNAUTHENTICATED");
      await expectChatError(attacker.login("ben", "wrong password"), "UNAUTHENTICATED");
      await expectChatError(attacker.login("nobody", "wrong password"), "UNAUTHENTICATED");
      const hashed = world.hashesRun;
      const throttled = await expectChatError(attacker.login("cal", "wrong password"), "RESOURCE_EXHAUSTED");
      expectRetryHint(throttled, LONG_WAIT_MS);
      expect(world.hashesRun).toBe(hashed);
    });

    it("forgives an account's failures from an address once the right password comes from it", async () => {
      const world = await start({ loginBackoffPerAccountAndAddress: strictBackoff(3) });
      const client = await world.client();
      await client.register("typist", PASSWORD);
      for (let round = 0; round < 3; round++) {
        await expectChatError(client.login("typist", "tpyo one"), "UNAUTHENTICATED");
        await expectChatError(client.login("typist", "tpyo two"), "UNAUTHENTICATED");
        await client.login("typist", PASSWORD);
        await client.logout();
      }
    });

    it("limits registrations per address, counting only those that would create an account", async (context) => {
      const world = await start({ registrationsPerAddress: { burst: 3, perSecond: NEVER } });
      const client = await world.client();
      for (const name of ["reg1", "reg2", "reg3"]) await client.register(name, PASSWORD);
      // A taken name or a bad password costs no hash, and none of the budget either.
      await expectChatError(client.register("REG1", PASSWORD), "ALREADY_EXISTS");
      const refused = await expectChatError(client.register("reg4", PASSWORD), "RESOURCE_EXHAUSTED");
      expectRetryHint(refused, LONG_WAIT_MS * 1000);
      expect((await client.listAccounts({ pattern: "reg*" })).usernames).toEqual(["reg1", "reg2", "reg3"]);
      const elsewhere = await from(world, "127.0.0.4", context);
      await elsewhere.register("reg4", PASSWORD);
    });

    it("limits a session's listing requests, with a retry hint", async () => {
      const world = await start({ listingsPerConnection: { burst: 3, perSecond: NEVER } });
      const { client } = await world.user("lister");
      for (let listing = 0; listing < 3; listing++) await client.listAccounts();
      const refused = await expectChatError(client.listAccounts(), "RESOURCE_EXHAUSTED");
      expectRetryHint(refused, LONG_WAIT_MS * 1000);
      // Another connection has its own budget.
      const other = await world.client();
      expect((await other.listAccounts()).usernames).toEqual(["lister"]);
    });

    it("limits listing requests per address over all its connections", async (context) => {
      const world = await start({ listingsPerAddress: { burst: 3, perSecond: NEVER } });
      const first = await from(world, "127.0.0.5", context);
      const second = await from(world, "127.0.0.5", context);
      await first.listAccounts();
      await second.listAccounts();
      await first.listAccounts();
      expectRetryHint(
        await expectChatError(second.listAccounts(), "RESOURCE_EXHAUSTED"),
        LONG_WAIT_MS * 1000,
      );
      const elsewhere = await from(world, "127.0.0.6", context);
      expect((await elsewhere.listAccounts()).usernames).toEqual([]);
    });

    it("cuts a listing short at its scan bound and lets the cursor go on from there", async () => {
      const world = await start({ maxNamesScannedPerRequest: 4 });
      const client = await world.client();
      const names = Array.from({ length: 10 }, (_, index) => `scan${index}`);
      for (const name of names) await client.register(name, PASSWORD);
      // A wildcard that matches nothing examines 4 names and stops, with a cursor: it never scans them all.
      const sparse = await client.listAccounts({ pattern: "*zz" });
      expect(sparse.usernames).toEqual([]);
      expect(sparse.nextCursor).toBeDefined();
      // However many names a page asks for, the scan bound holds each to 4.
      const { usernames: seen, pages } = await listEveryPage(client, 100, 4);
      expect(seen).toEqual(names);
      expect(pages).toBe(3);
    });

    it("refuses listings once an address has had too many names examined, with a retry hint", async () => {
      const world = await start({ namesScannedPerAddress: { burst: 10, perSecond: NEVER } });
      const client = await world.client();
      for (let index = 0; index < 12; index++) await client.register(`name${index}`, PASSWORD);
      const first = await client.listAccounts({ pageSize: 100 });
      expect(first.usernames).toHaveLength(10);
      expect(first.nextCursor).toBeDefined();
      const refused = await expectChatError(client.listAccounts({ pattern: "*zz" }), "RESOURCE_EXHAUSTED");
      expectRetryHint(refused, LONG_WAIT_MS * 1000);
    });

    it("limits each session's sends with a retry hint, and a new login brings no fresh budget", async () => {
      const world = await start({ sendsPerSession: { burst: 3, perSecond: NEVER } });
      const alice = await world.user("alice");
      const bob = await world.user("bob");
      for (let index = 1; index <= 3; index++) await alice.client.send("bob", `m${index}`);
      const refused = await expectChatError(alice.client.send("bob", "m4"), "RESOURCE_EXHAUSTED");
      expectRetryHint(refused, LONG_WAIT_MS * 1000);
      const id = new TextEncoder().encode("m4");
      await expectChatError(alice.client.send("bob", "m4", { clientMessageId: id }), "RESOURCE_EXHAUSTED");
      // Bob has a budget of his own.
      await bob.client.send("alice", "hello");
      expect((await bob.inbox.take(3)).map((message) => message.content)).toEqual(["m1", "m2", "m3"]);
      expect(await bob.inbox.quiet()).toEqual([]);
      await alice.client.logout();
      await alice.client.login("alice", PASSWORD);
      await expectChatError(alice.client.send("bob", "m5"), "RESOURCE_EXHAUSTED");
    });
  });
}
