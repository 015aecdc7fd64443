import { connect, type Socket } from "node:net";
import {
  type ChatLimits,
  ChatService,
  createScryptHasher,
  MemoryStore,
  NO_BACKOFF,
  type PasswordHasher,
} from "@chat/core";
import { cleanupAfterEachTest, PASSWORD, TEST_SCRYPT_PARAMETERS } from "@chat/core/testing";
import { describe, expect, it } from "vitest";
import { encodeFrame } from "./frame-encoder.js";
import { RawClient } from "./testing/raw-client.js";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

/** scrypt at N = 2^12: a real hash slow enough (tens of milliseconds here) for logins to queue up. */
const QUEUEING_SCRYPT = { logN: 12, r: 8, p: 1 };

const deferCleanup = cleanupAfterEachTest();

/** The real scrypt hasher at `logN`, counting every hash and check it runs. */
function countingHasher(logN: number): { hasher: PasswordHasher; count: () => number } {
  const inner = createScryptHasher({ parameters: { ...QUEUEING_SCRYPT, logN }, concurrency: 2 });
  let ran = 0;
  const counted =
    <A extends unknown[], R>(work: (...args: A) => R) =>
    (...args: A): R => {
      ran++;
      return work(...args);
    };
  return {
    hasher: {
      hash: counted((password: string) => inner.hash(password)),
      verify: counted((password: string, stored: string) => inner.verify(password, stored)),
      verifyNothing: counted((password: string) => inner.verifyNothing(password)),
    },
    count: () => ran,
  };
}

async function start(
  options: { limits?: Partial<ChatLimits>; hasher?: PasswordHasher; store?: MemoryStore } = {},
): Promise<{ service: ChatService; port: number }> {
  const service = new ChatService({
    store: options.store ?? new MemoryStore(),
    hasher: options.hasher ?? createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS }),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const server = new WireServer(service);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  deferCleanup(async () => {
    await server.close();
    await service.close();
  });
  return { service, port };
}

async function raw(port: number): Promise<RawClient> {
  const client = await RawClient.open(port);
  deferCleanup(() => client.destroy());
  return client;
}

/** The text of a seed answer (`suc` or `err`), to compare with what a seed client prints. */
function text(frame: { type: string; text?: string }): string {
  return `${frame.type} ${frame.text ?? ""}`;
}

/** Opens a socket from `localAddress` (in 127.0.0.0/8), resolving once connected. */
function socketFrom(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress }, () => resolve(socket));
    socket.once("error", reject);
    deferCleanup(() => {
      socket.destroy();
    });
  });
}

describe("abuse limits over the wire (issue 13)", () => {
  it("skips the queued hashes of connections that closed, so a real login right after does not wait (item 3)", async () => {
    const { hasher, count } = countingHasher(QUEUEING_SCRYPT.logN);
    const { port } = await start({
      hasher,
      // Only abandonment is measured here: throttling would refuse most of these before the queue.
      limits: {
        loginBackoffPerAddress: NO_BACKOFF,
        loginBackoffPerAccountAndAddress: NO_BACKOFF,
        maxQueuedHashes: 1000,
      },
    });
    const legit = new WireClient({ host: "127.0.0.1", port });
    deferCleanup(() => legit.close());
    await legit.connect();
    await legit.register("legit", PASSWORD);
    const registered = count();
    // 40 seed connections (from 4 loopback addresses, 10 each) each send one login and hang up at once.
    const attack = 40;
    const sockets = await Promise.all(
      Array.from({ length: attack }, (_, index) => socketFrom(port, `127.0.0.${10 + (index % 4)}`)),
    );
    for (const [index, socket] of sockets.entries()) {
      socket.end(encodeFrame({ type: "log", username: `ghost${index}`, password: PASSWORD }));
    }
    await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once("close", resolve))));
    expect(await legit.login("legit", PASSWORD)).toEqual({ username: "legit" });
    // First come, first served: without the fix all 40 abandoned hashes ran before the real login's.
    const hashed = count() - registered;
    expect(hashed).toBeGreaterThanOrEqual(1);
    expect(hashed).toBeLessThan(attack / 2);
  });

  it("answers a seed client's throttled login with a plain err text carrying the retry hint (item 4)", async () => {
    const { hasher, count } = countingHasher(TEST_SCRYPT_PARAMETERS.logN);
    const { port } = await start({
      hasher,
      limits: {
        loginBackoffPerAccountAndAddress: {
          freeFailures: 3,
          firstDelayMs: 60_000,
          maxDelayMs: 60_000,
          forgetAfterMs: 60_000,
        },
      },
    });
    const seed = await raw(port);
    seed.send({ type: "reg", username: "victim", password: PASSWORD });
    expect(text(await seed.next())).toBe("suc account victim registered");
    for (let guess = 0; guess < 3; guess++) {
      seed.send({ type: "log", username: "victim", password: `wrong guess ${guess}` });
      expect(text(await seed.next())).toBe("err UNAUTHENTICATED: wrong username or password");
    }
    const hashed = count();
    for (let guess = 3; guess < 30; guess++) {
      seed.send({ type: "log", username: "victim", password: `wrong guess ${guess}` });
    }
    for (const frame of await seed.take(27)) {
      expect(text(frame)).toMatch(
        /^err RESOURCE_EXHAUSTED: too many failed logins for this account from this address; retry after \d+ ms$/,
      );
    }
    expect(count()).toBe(hashed);
    // The owner, from another address, logs in with one hash.
    const owner = await socketFrom(port, "127.0.0.20");
    const reply = await new Promise<Buffer>((resolve) => {
      owner.once("data", resolve);
      owner.write(encodeFrame({ type: "log", username: "victim", password: PASSWORD }));
    });
    expect(reply.subarray(1).toString("utf8").replace(/\0+$/, "")).toBe("logged in as victim");
    expect(count()).toBe(hashed + 1);
  });

  it("cuts a seed acf at the scan bound and refuses an acd flood with a retry hint (item 6)", async () => {
    const store = new MemoryStore();
    for (let index = 0; index < 3000; index++) {
      const name = `user${String(index).padStart(5, "0")}`;
      await store.createAccount({ username: name, key: name, passwordHash: "unused", createdAt: 0 });
    }
    const { port } = await start({
      store,
      limits: { maxNamesScannedPerRequest: 1000, listingsPerAddress: { burst: 5, perSecond: 1 / 3600 } },
    });
    const seed = await raw(port);
    // A 4-byte wildcard that matches nothing would examine all 3000 names; it stops at 1000 and says so.
    seed.send({ type: "acf", pattern: "*zz" });
    expect(text(await seed.next())).toBe("suc accounts [1/1]: (more: use accfilter)");
    // A listing that fits the bound is whole.
    seed.send({ type: "acf", pattern: "user0000?" });
    expect(text(await seed.next())).toMatch(/^suc accounts \[1\/1\]: user00000 .* user00009$/);
    // The address's listing budget: 5 in all, so of 20 more acd, 3 are answered and 17 refused.
    for (let listing = 0; listing < 20; listing++) seed.send({ type: "acd" });
    const answers: string[] = [];
    while (answers.length < 20) {
      const frame = text(await seed.next());
      // A whole acd answer is several suc pieces; count its last one.
      const piece = /^suc accounts \[(\d+)\/(\d+)\]/.exec(frame);
      if (piece === null || piece[1] === piece[2]) answers.push(frame);
    }
    const refused = answers.filter((answer) => answer.startsWith("err "));
    expect(refused).toHaveLength(17);
    for (const answer of refused) {
      expect(answer).toMatch(
        /^err RESOURCE_EXHAUSTED: too many account listings from this address; retry after \d+ ms$/,
      );
    }
  });

  it("limits registrations from one address and sends from one session (item 7)", async () => {
    const { port } = await start({
      limits: {
        registrationsPerAddress: { burst: 5, perSecond: 1 / 3600 },
        sendsPerSession: { burst: 10, perSecond: 1 / 3600 },
      },
    });
    const bot = new WireClient({ host: "127.0.0.1", port });
    deferCleanup(() => bot.close());
    await bot.connect();
    const registrations = await Promise.allSettled(
      Array.from({ length: 127 }, (_, index) => bot.register(`bot${index}`, PASSWORD)),
    );
    expect(registrations.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(5);
    await bot.login("bot0", PASSWORD);
    const sends = await Promise.allSettled(Array.from({ length: 200 }, () => bot.send("bot1", "spam")));
    expect(sends.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(10);
    const refusal = sends.find((outcome) => outcome.status === "rejected") as PromiseRejectedResult;
    expect(refusal.reason).toMatchObject({ code: "RESOURCE_EXHAUSTED" });
    expect(refusal.reason.retryAfterMs).toBeGreaterThan(0);
  });
});
