import Database from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "./index.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("group-commit");
afterAll(() => temp.remove());

let path: string;
let store: SqliteStore;

beforeEach(async () => {
  path = temp.file("chat.db");
  store = await openSqliteStore(path);
  await store.createAccount({ username: "rita", key: "rita", passwordHash: "h", createdAt: 1 });
});

afterEach(async () => {
  await store.close();
});

/** Messages of `rita` as a second, independent connection sees them: only what is committed. */
function committedSeqs(): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], number>(
        "SELECT m.seq FROM messages AS m JOIN accounts AS a ON a.id = m.account_id WHERE a.key = 'rita' ORDER BY m.seq",
      )
      .pluck()
      .all();
  } finally {
    db.close();
  }
}

const message = (content: string) => ({ from: "sam", content, sentAt: 1 });

describe("group commit", () => {
  it("runs the operations of one event-loop turn in one transaction", async () => {
    const before = store.stats();
    await Promise.all(
      Array.from({ length: 200 }, (_, index) => store.appendMessage("rita", message(`m${index}`))),
    );
    const after = store.stats();
    expect(after.transactions - before.transactions).toBe(1);
    expect(after.operations - before.operations).toBe(200);
  });

  it("resolves a write only once it is committed and visible to another connection", async () => {
    const seen = await Promise.all(
      [1, 2, 3].map((index) => store.appendMessage("rita", message(`m${index}`)).then(() => committedSeqs())),
    );
    for (const seqs of seen) expect(seqs).toEqual([1, 2, 3]);
  });

  it("lets a failing operation fail alone, keeping the rest of its batch", async () => {
    const results = await Promise.allSettled([
      store.appendMessage("rita", message("first")),
      store.createAccount({ username: "RITA", key: "rita", passwordHash: "h", createdAt: 1 }),
      store.appendMessage("nobody", message("lost")),
      store.setPasswordHash("nobody", "x"),
      store.appendMessage("rita", message("second")),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      "fulfilled",
      "rejected",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    expect(store.stats().transactions).toBe(2);
    expect(committedSeqs()).toEqual([1, 2]);
    expect((await store.readMessages("rita", 0, 10)).map((stored) => stored.content)).toEqual([
      "first",
      "second",
    ]);
  });

  it("reads its own writes queued in the same turn, in order", async () => {
    const [, firstRead, , secondRead, acked, thirdRead] = await Promise.all([
      store.appendMessage("rita", message("a")),
      store.readMessages("rita", 0, 10),
      store.appendMessage("rita", message("b")),
      store.readMessages("rita", 0, 10),
      store.ackMessages("rita", 1),
      store.readMessages("rita", 0, 10),
    ]);
    expect(firstRead.map((stored) => stored.content)).toEqual(["a"]);
    expect(secondRead.map((stored) => stored.content)).toEqual(["a", "b"]);
    expect(acked).toBe(1);
    expect(thirdRead.map((stored) => stored.content)).toEqual(["b"]);
  });

  it("commits work still queued when closed, then refuses new work", async () => {
    const pending = Array.from({ length: 20 }, (_, index) =>
      store.appendMessage("rita", message(`m${index}`)),
    );
    await store.close();
    expect((await Promise.all(pending)).map((stored) => stored.seq)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    await expect(store.getAccount("rita")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    store = await openSqliteStore(path);
    expect(await store.readMessages("rita", 0, 100)).toHaveLength(20);
  });
});

describe("redelivery", () => {
  it("gives a recipient that dropped before acking the same unacked messages after a restart", async () => {
    for (const content of ["one", "two", "three"]) await store.appendMessage("rita", message(content));
    const firstDelivery = await store.readMessages("rita", 0, 10);
    // The recipient drops here: no ack. The server restarts.
    await store.close();
    store = await openSqliteStore(path);
    expect(await store.readMessages("rita", 0, 10)).toEqual(firstDelivery);
    // This time it acks the first two, then drops again before acking the third.
    expect(await store.ackMessages("rita", 2)).toBe(2);
    await store.close();
    store = await openSqliteStore(path);
    expect(await store.readMessages("rita", 0, 10)).toEqual(firstDelivery.slice(2));
    expect((await store.appendMessage("rita", message("four"))).seq).toBe(4);
  });
});
