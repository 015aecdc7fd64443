import { ChatError } from "@chat/core";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommitQueue } from "./commit-queue.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("commit-queue");
afterAll(() => temp.remove());

let db: Database.Database;
let queue: CommitQueue;

beforeEach(() => {
  db = new Database(temp.file("queue.db"));
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (value TEXT NOT NULL UNIQUE)");
  queue = new CommitQueue(db, {
    beginImmediate: db.prepare("BEGIN IMMEDIATE"),
    beginDeferred: db.prepare("BEGIN DEFERRED"),
    commit: db.prepare("COMMIT"),
    rollback: db.prepare("ROLLBACK"),
  });
});

afterEach(() => {
  queue.flush();
  db.close();
});

const insert = (value: string) => () => db.prepare("INSERT INTO t (value) VALUES (?)").run(value).changes;
const stored = () => db.prepare<[], string>("SELECT value FROM t ORDER BY rowid").pluck().all();

describe("CommitQueue", () => {
  it("passes a ChatError through and turns an SQLite failure into UNAVAILABLE, failing only that operation", async () => {
    const results = await Promise.allSettled([
      queue.enqueue(true, insert("a")),
      queue.enqueue(true, () => {
        throw new ChatError("NOT_FOUND", "no such account");
      }),
      queue.enqueue(true, insert("a")),
      queue.enqueue(true, insert("b")),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    expect(results[1]).toMatchObject({ reason: { code: "NOT_FOUND" } });
    expect(results[2]).toMatchObject({ reason: { code: "UNAVAILABLE" } });
    expect(stored()).toEqual(["a", "b"]);
    expect(queue.stats()).toEqual({ transactions: 1, operations: 4 });
  });

  it("reports every operation of a transaction SQLite abandoned as failed, and carries on with the rest", async () => {
    const results = await Promise.allSettled([
      queue.enqueue(true, insert("lost-1")),
      queue.enqueue(true, insert("lost-2")),
      // What SQLite does on some disk-full or I/O errors: the whole transaction is rolled back.
      queue.enqueue(true, () => {
        db.exec("ROLLBACK");
        throw new Error("disk I/O error");
      }),
      queue.enqueue(true, insert("kept")),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected", "fulfilled"]);
    for (const result of results.slice(0, 3))
      expect(result).toMatchObject({ reason: { code: "UNAVAILABLE" } });
    expect(stored()).toEqual(["kept"]);
  });

  it("fails a write that outgrows the disk (SQLITE_FULL) without reporting lost writes as done", async () => {
    // Cap the file just above its current size so a large batch runs out of room part-way.
    const pages = Number(db.pragma("page_count", { simple: true }));
    db.pragma(`max_page_count = ${pages + 2}`);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) => queue.enqueue(true, insert(`${index}:${"x".repeat(400)}`))),
    );
    const fulfilled = results.filter((result) => result.status === "fulfilled").length;
    expect(fulfilled).toBeLessThan(50);
    for (const result of results) {
      if (result.status === "rejected") expect((result.reason as ChatError).code).toBe("UNAVAILABLE");
    }
    // Whatever was reported done is exactly what is on disk.
    expect(stored()).toHaveLength(fulfilled);
  });
});
