import { createScryptHasher, NO_BACKOFF, type PasswordHasher } from "@chat/core";
import { PASSWORD } from "@chat/core/testing";
import { credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { ChatServiceClient } from "./gen/chat/v1/chat.js";
import { startTestBed, type TestBed, unary } from "./testing/grpc-test-kit.js";

/**
 * scrypt at N = 2^12: a real hash, slow enough (tens of milliseconds here) that a burst of logins queues
 * up behind the two hashing slots, as production-cost hashes do for a burst a tenth of the size.
 */
const QUEUEING_SCRYPT = { logN: 12, r: 8, p: 1 };
/** Logins in the attack: the figure. */
const ATTACK_LOGINS = 200;
/** Separate connections they are spread over (each carries at most 16 calls at once). */
const ATTACK_CONNECTIONS = 13;
/** The attacker's deadline: long enough to reach the server, far shorter than the queue. */
const ATTACK_DEADLINE_MS = 300;

/** The real scrypt hasher, counting every hash and check it runs. */
function countingHasher(): { hasher: PasswordHasher; count: () => number } {
  const inner = createScryptHasher({ parameters: QUEUEING_SCRYPT, concurrency: 2 });
  let ran = 0;
  return {
    hasher: {
      hash: (password) => {
        ran++;
        return inner.hash(password);
      },
      verify: (password, stored) => {
        ran++;
        return inner.verify(password, stored);
      },
      verifyNothing: (password) => {
        ran++;
        return inner.verifyNothing(password);
      },
    },
    count: () => ran,
  };
}

/** `count` raw clients, each on a TCP connection of its own. */
function separateClients(port: number, count: number): ChatServiceClient[] {
  return Array.from(
    { length: count },
    () =>
      new ChatServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
        "grpc.use_local_subchannel_pool": 1,
      }),
  );
}

/** Sends logins for unknown names spread over `clients`; resolves with every outcome. */
function loginFlood(
  clients: ChatServiceClient[],
  total: number,
  deadlineMs: number | undefined,
): Promise<Array<ServiceError | undefined>> {
  return Promise.all(
    Array.from({ length: total }, (_, index) => {
      const client = clients[index % clients.length] as ChatServiceClient;
      const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
      return unary(
        client.login.bind(client),
        { username: `ghost${index}`, password: PASSWORD },
        new Metadata(),
        options,
      ).then(
        () => undefined,
        (error: ServiceError) => error,
      );
    }),
  );
}

describe("work for abandoned gRPC calls (issue 13, item 3)", () => {
  /** The test's bed, closed after it. */
  let startedBed: TestBed | undefined;
  let clients: ChatServiceClient[] = [];

  afterEach(async () => {
    for (const client of clients) client.close();
    clients = [];
    await startedBed?.close();
    startedBed = undefined;
  });

  /**
   * A bed whose hashes run on a counting hasher behind a queue of `maxQueuedHashes`. Login throttling is
   * off: it would refuse most of a flood, and here only the hashing queue is measured.
   */
  async function startCountingBed(maxQueuedHashes: number): Promise<{ bed: TestBed; count: () => number }> {
    const { hasher, count } = countingHasher();
    const bed = await startTestBed({
      service: {
        hasher,
        limits: {
          loginBackoffPerAddress: NO_BACKOFF,
          loginBackoffPerAccountAndAddress: NO_BACKOFF,
          maxQueuedHashes,
        },
      },
    });
    startedBed = bed;
    return { bed, count };
  }

  it("skips the hashes of logins whose deadline passed, so a real login right after does not wait for them", async () => {
    // A queue bound far above the flood, so every login waits rather than being refused.
    const { bed, count } = await startCountingBed(1000);
    const { raw } = bed;
    await unary(raw.register.bind(raw), { username: "legit", password: PASSWORD });
    const registered = count();
    clients = separateClients(bed.port, ATTACK_CONNECTIONS);
    const outcomes = await loginFlood(clients, ATTACK_LOGINS, ATTACK_DEADLINE_MS);
    // The first few were checked in time (unknown names: UNAUTHENTICATED); the rest gave up waiting.
    const codes = outcomes.map((outcome) => outcome?.code);
    expect(
      codes.filter((code) => code !== status.DEADLINE_EXCEEDED && code !== status.UNAUTHENTICATED),
    ).toEqual([]);
    expect(codes.filter((code) => code === status.DEADLINE_EXCEEDED).length).toBeGreaterThan(
      ATTACK_LOGINS / 2,
    );
    const reply = await unary(raw.login.bind(raw), { username: "legit", password: PASSWORD });
    expect(reply.username).toBe("legit");
    // Every hash ran before the real login's own (the queue is first come, first served): without the fix
    // all 200 abandoned ones did; with it only those that had started before their deadline passed.
    const hashed = count() - registered;
    expect(hashed).toBeGreaterThanOrEqual(1);
    expect(hashed).toBeLessThan(ATTACK_LOGINS / 4);
  });

  it("refuses hashes past the queue's bound with RESOURCE_EXHAUSTED and a retry-after trailer", async () => {
    const { bed, count } = await startCountingBed(4);
    clients = separateClients(bed.port, 3);
    const total = 40;
    const outcomes = await loginFlood(clients, total, undefined);
    const refused = outcomes.filter((outcome) => outcome?.code === status.RESOURCE_EXHAUSTED);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      const hint = Number(error?.metadata.get("retry-after-ms")[0]);
      expect(hint).toBeGreaterThan(0);
      expect(error?.details).toMatch(new RegExp(`retry after ${hint} ms$`));
    }
    // The others were checked (and failed, being unknown); the refused ones were never hashed.
    const checked = outcomes.filter((outcome) => outcome?.code === status.UNAUTHENTICATED);
    expect(checked.length + refused.length).toBe(total);
    expect(count()).toBe(checked.length);
  });
});
