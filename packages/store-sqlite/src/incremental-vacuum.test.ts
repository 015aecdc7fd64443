import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "./index.js";
import { APPLICATION_ID, MIGRATIONS } from "./schema.js";
import { FREE_PAGES_VACUUM_THRESHOLD } from "./sqlite-store.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("vacuum");
afterAll(() => temp.remove());

/** Messages of about 500 bytes: 4,000 of them fill about 500 pages of 4 KiB. */
const BACKLOG = 4000;
const CONTENT = "x".repeat(480);

/** Page counts of the file at `path`, read through a second connection while the store is open. */
function pages(path: string): { pageCount: number; freePages: number } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      pageCount: Number(db.pragma("page_count", { simple: true })),
      freePages: Number(db.pragma("freelist_count", { simple: true })),
    };
  } finally {
    db.close();
  }
}

async function fillMailbox(store: SqliteStore): Promise<void> {
  await store.createAccount({ username: "rita", key: "rita", passwordHash: "h", createdAt: 1 });
  await Promise.all(
    Array.from({ length: BACKLOG }, (_, index) =>
      store.appendMessage("rita", { from: "sam", content: `${index} ${CONTENT}`, sentAt: index }),
    ),
  );
}

/** Drains rita's mailbox the way delivery does: a page, then an ack up to its end. */
async function drainMailbox(store: SqliteStore): Promise<void> {
  for (;;) {
    const page = await store.readMessages("rita", 0, 256);
    const last = page.at(-1);
    if (last === undefined) return;
    await store.ackMessages("rita", last.seq);
  }
}

describe("SqliteStore: giving freed pages back", () => {
  it("shrinks the file once a large mailbox has drained", async () => {
    const path = temp.file("drain.db");
    const store = await openSqliteStore(path);
    await fillMailbox(store);
    const full = pages(path);
    expect(full.pageCount).toBeGreaterThan(400);
    await drainMailbox(store);
    // The vacuum step queued by the last ack runs in the batch this read joins.
    await store.readMessages("rita", 0, 1);
    const drained = pages(path);
    expect(drained.freePages).toBeLessThan(FREE_PAGES_VACUUM_THRESHOLD);
    expect(drained.pageCount).toBeLessThan(full.pageCount / 2);
    await store.close();
    // On disk too, once the WAL is checkpointed at close.
    expect(statSync(path).size).toBeLessThan((full.pageCount * 4096) / 2);
    const reopened = await openSqliteStore(path);
    expect((await reopened.appendMessage("rita", { from: "sam", content: "next", sentAt: 1 })).seq).toBe(
      BACKLOG + 1,
    );
    await reopened.close();
  });

  it("gives the pages of a deleted account's mailbox back", async () => {
    const path = temp.file("delete.db");
    const store = await openSqliteStore(path);
    await fillMailbox(store);
    const full = pages(path);
    await store.deleteAccount("rita");
    await store.getAccount("rita");
    expect(pages(path).pageCount).toBeLessThan(full.pageCount / 2);
    await store.close();
  });

  it("converts a file made before incremental vacuum (schema 2) once, keeping its data", async () => {
    const path = temp.file("old.db");
    const old = new Database(path);
    old.pragma("journal_mode = WAL");
    for (const migration of MIGRATIONS.slice(0, 2)) old.exec(migration.sql);
    old.pragma(`application_id = ${APPLICATION_ID}`);
    old.pragma("user_version = 2");
    old
      .prepare(
        "INSERT INTO accounts (key, username, password_hash, created_at) VALUES ('rita', 'rita', 'h', 1)",
      )
      .run();
    const insert = old.prepare(
      "INSERT INTO messages (account_id, seq, sender, content, sent_at) VALUES (1, ?, 'sam', ?, 1)",
    );
    old.transaction(() => {
      for (let seq = 1; seq <= BACKLOG; seq++) insert.run(seq, CONTENT);
    })();
    expect(old.pragma("auto_vacuum", { simple: true })).toBe(0);
    old.close();

    const store = await openSqliteStore(path);
    expect(store.settings().autoVacuum).toBe(2);
    expect(await store.readMessages("rita", BACKLOG - 1, 10)).toHaveLength(1);
    const full = pages(path);
    await drainMailbox(store);
    await store.readMessages("rita", 0, 1);
    expect(pages(path).pageCount).toBeLessThan(full.pageCount / 2);
    await store.close();
  });
});
