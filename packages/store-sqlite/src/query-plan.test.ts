import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "./index.js";
import { SQL, type StatementName } from "./sql.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("query-plan");
let db: Database.Database;

/** Sample bindings for every statement, so each can be explained exactly as the store runs it. */
const bindings: Record<StatementName, Record<string, string | number | Buffer>> = {
  createAccount: { key: "new", username: "new", passwordHash: "h", createdAt: 1 },
  getAccount: { key: "user7" },
  setPasswordHash: { key: "user7", passwordHash: "h2" },
  deleteAccount: { key: "user7" },
  listAfter: { lower: "user1", limit: 10 },
  listFrom: { lower: "user1", limit: 10 },
  listAfterBelow: { lower: "user1", upper: "user2", limit: 10 },
  listFromBelow: { lower: "user1", upper: "user2", limit: 10 },
  appendMessage: { key: "user7", sender: "s", content: "c", sentAt: 1 },
  backlog: { key: "user7" },
  findReceipt: { senderKey: "user7", clientMessageId: Buffer.from("id"), now: 1 },
  recordReceipt: {
    senderKey: "user7",
    clientMessageId: Buffer.from("id"),
    recipientKey: "user8",
    seq: 1,
    sentAt: 1,
    delivery: "stored",
    contentDigest: "d",
    expiresAt: 2,
  },
  pruneReceipts: { now: 1 },
  readMessages: { key: "user7", afterSeq: 10, limit: 100 },
  ackMessages: { key: "user7", upToSeq: 10 },
  countAccountMessages: { key: "user7" },
};

/** What SQLite says it will do for `sql` (the `detail` column of EXPLAIN QUERY PLAN). */
function plan(sql: string, parameters: Record<string, string | number | Buffer>): string[] {
  return db
    .prepare<Record<string, string | number | Buffer>, { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(parameters)
    .map((row) => row.detail);
}

beforeAll(async () => {
  const path = temp.file("plans.db");
  const store = await openSqliteStore(path);
  const writes: Promise<unknown>[] = [];
  for (let user = 0; user < 50; user++) {
    writes.push(
      store.createAccount({ username: `user${user}`, key: `user${user}`, passwordHash: "h", createdAt: 1 }),
    );
    for (let index = 0; index < 40; index++) {
      writes.push(store.appendMessage(`user${user}`, { from: "s", content: `m${index}`, sentAt: index }));
    }
  }
  await Promise.all(writes);
  await store.close();
  db = new Database(path);
  // With statistics SQLite could in principle prefer a scan on a small table; plans must hold regardless.
  db.exec("ANALYZE");
});

afterAll(() => {
  db.close();
  temp.remove();
});

describe("query plans", () => {
  it.each(Object.keys(SQL) as StatementName[])("%s seeks an index instead of scanning", (name) => {
    const details = plan(SQL[name], bindings[name]);
    for (const detail of details) {
      expect(detail).not.toMatch(/^SCAN /);
      expect(detail).not.toMatch(/TEMP B-TREE/);
    }
  });

  it("serves each hot path from the intended index", () => {
    expect(plan(SQL.appendMessage, bindings.appendMessage)).toEqual([
      "SEARCH accounts USING INDEX accounts_by_key (key=?)",
    ]);
    expect(plan(SQL.readMessages, bindings.readMessages)).toEqual([
      "SEARCH a USING COVERING INDEX accounts_by_key (key=?)",
      "SEARCH m USING PRIMARY KEY (account_id=? AND seq>?)",
    ]);
    expect(plan(SQL.ackMessages, bindings.ackMessages)).toContain(
      "SEARCH messages USING PRIMARY KEY (account_id=? AND seq<?)",
    );
    expect(plan(SQL.backlog, bindings.backlog)).toEqual([
      "SEARCH accounts USING INDEX accounts_by_key (key=?)",
      "CORRELATED SCALAR SUBQUERY 1",
      "SEARCH messages USING PRIMARY KEY (account_id=?)",
    ]);
    expect(plan(SQL.findReceipt, bindings.findReceipt)).toEqual([
      "SEARCH a USING COVERING INDEX accounts_by_key (key=?)",
      "SEARCH r USING PRIMARY KEY (sender_id=? AND client_message_id=?)",
    ]);
    expect(plan(SQL.pruneReceipts, bindings.pruneReceipts)).toEqual([
      "SEARCH send_receipts USING INDEX send_receipts_by_expiry (expires_at<?)",
    ]);
    expect(plan(SQL.listFromBelow, bindings.listFromBelow)).toEqual([
      "SEARCH accounts USING INDEX accounts_by_key (key>? AND key<?)",
    ]);
    expect(plan(SQL.listAfter, bindings.listAfter)).toEqual([
      "SEARCH accounts USING INDEX accounts_by_key (key>?)",
    ]);
  });

  it("keeps the statements run inside the trigger and the cascade on indexes too", () => {
    // EXPLAIN QUERY PLAN does not descend into triggers or foreign-key actions; explain their equivalents.
    expect(plan("UPDATE accounts SET last_seq = 5 WHERE id = 3", {})).toEqual([
      "SEARCH accounts USING INTEGER PRIMARY KEY (rowid=?)",
    ]);
    expect(plan("DELETE FROM messages WHERE account_id = 3", {})).toEqual([
      "SEARCH messages USING PRIMARY KEY (account_id=?)",
    ]);
    expect(plan("DELETE FROM send_receipts WHERE sender_id = 3", {})).toEqual([
      "SEARCH send_receipts USING PRIMARY KEY (sender_id=?)",
    ]);
  });
});
