import { describe, expect, it } from "vitest";
import type { ChatService } from "./chat-service.js";
import { MemoryStore } from "./memory-store.js";
import { MAX_NAMES_PER_FULL_LISTING } from "./rules.js";
import { createTestService } from "./testing/harness.js";

const PASSWORD = "correct horse";

function testService(store = new MemoryStore()): ChatService {
  return createTestService({ store });
}

/** Accounts written straight into the store: hashing ten thousand passwords would only slow the test. */
async function fillAccounts(store: MemoryStore, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, index) => `u${String(index).padStart(6, "0")}`);
  for (const username of names) {
    await store.createAccount({ username, key: username, passwordHash: "unused", createdAt: 0 });
  }
  return names;
}

describe("ChatConnection.listAllAccounts", () => {
  it("gathers every page of a listing below the cap", async () => {
    const store = new MemoryStore();
    const names = await fillAccounts(store, 2_345);
    const listing = await testService(store).connect().listAllAccounts();
    expect(listing).toEqual({ usernames: names, truncated: false });
  });

  it("cuts a longer listing at MAX_NAMES_PER_FULL_LISTING and says it is truncated", async () => {
    const store = new MemoryStore();
    const names = await fillAccounts(store, MAX_NAMES_PER_FULL_LISTING + 3);
    const listing = await testService(store).connect().listAllAccounts();
    expect(listing.truncated).toBe(true);
    expect(listing.usernames).toEqual(names.slice(0, MAX_NAMES_PER_FULL_LISTING));
  });

  it("applies the wildcard", async () => {
    const store = new MemoryStore();
    await fillAccounts(store, 30);
    const listing = await testService(store).connect().listAllAccounts("u00001*");
    expect(listing.usernames).toEqual(Array.from({ length: 10 }, (_, i) => `u00001${i}`));
  });
});

describe("ChatConnection.loginRefusal", () => {
  it("is undefined before a login and core's FAILED_PRECONDITION after one, the error login gives", async () => {
    const service = testService();
    await service.register("alice", PASSWORD);
    const connection = service.connect();
    expect(connection.loginRefusal()).toBeUndefined();
    await connection.login("alice", PASSWORD);
    const refusal = connection.loginRefusal();
    expect(refusal?.code).toBe("FAILED_PRECONDITION");
    await expect(connection.login("alice", PASSWORD)).rejects.toEqual(refusal);
  });

  it("is UNAVAILABLE once the connection is closed", () => {
    const connection = testService().connect();
    connection.close();
    expect(connection.loginRefusal()?.code).toBe("UNAVAILABLE");
  });
});
