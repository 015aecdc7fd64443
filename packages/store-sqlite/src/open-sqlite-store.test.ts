import { readFileSync, writeFileSync } from "node:fs";
import { ChatError } from "@chat/core";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
  APPLICATION_ID,
  openSqliteStore,
  SCHEMA_VERSION,
  SqliteStoreOpenError,
  type SqliteStoreOpenFailure,
} from "./index.js";
import { MIGRATIONS } from "./schema.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("open");
afterAll(() => temp.remove());

const account = { username: "Rita", key: "rita", passwordHash: "$scrypt$x", createdAt: 1 };

/** Opening `path` must fail with `failure` and a one-line message naming the file. */
async function expectOpenFailure(
  path: string,
  failure: SqliteStoreOpenFailure,
): Promise<SqliteStoreOpenError> {
  const error = await openSqliteStore(path).then(
    (store) => {
      void store.close();
      return undefined;
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SqliteStoreOpenError);
  const openError = error as SqliteStoreOpenError;
  expect(openError).toBeInstanceOf(ChatError);
  expect(openError.failure).toBe(failure);
  expect(openError.message).toContain(path);
  expect(openError.message).not.toContain("\n");
  expect(openError.message).toBe(`cannot open chat database ${path}: ${openError.detail}`);
  return openError;
}

/** Runs `work` on a raw better-sqlite3 connection to `path`, bypassing the store. */
function withRaw<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

describe("openSqliteStore: connection settings", () => {
  it("runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout, read back from SQLite", async () => {
    const store = await openSqliteStore(temp.file("settings.db"));
    expect(store.settings()).toEqual({
      journalMode: "wal",
      synchronous: 2,
      foreignKeys: true,
      busyTimeoutMs: 5000,
      tempStore: 2,
      autoVacuum: 2,
    });
    await store.close();
    const custom = await openSqliteStore(temp.file("timeout.db"), { busyTimeoutMs: 1234 });
    expect(custom.settings().busyTimeoutMs).toBe(1234);
    await custom.close();
  });

  it("refuses an in-memory database, where WAL (and so durability) is impossible", async () => {
    await expectOpenFailure(":memory:", "settings");
  });
});

describe("openSqliteStore: migrations", () => {
  it("creates the schema, stamps application_id and user_version, and keeps data across reopening", async () => {
    const path = temp.file("migrate.db");
    const store = await openSqliteStore(path);
    await store.createAccount(account);
    await store.close();
    withRaw(path, (db) => {
      expect(db.pragma("application_id", { simple: true })).toBe(APPLICATION_ID);
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(["accounts", "messages", "send_receipts"]);
    });
    const reopened = await openSqliteStore(path);
    expect(await reopened.getAccount("rita")).toEqual(account);
    await reopened.close();
  });

  it("migrates a version-1 file forward, keeping its accounts, messages and sequence numbers", async () => {
    const path = temp.file("version-1.db");
    withRaw(path, (db) => {
      db.exec((MIGRATIONS[0] as { sql: string }).sql);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma("user_version = 1");
      db.prepare(
        "INSERT INTO accounts (key, username, password_hash, created_at, last_seq) VALUES ('rita', 'Rita', 'h', 1, 7)",
      ).run();
      db.prepare(
        "INSERT INTO messages (account_id, seq, sender, content, sent_at) VALUES (1, 7, 'sam', 'old', 1)",
      ).run();
    });
    const store = await openSqliteStore(path);
    expect(await store.readMessages("rita", 0, 10)).toEqual([
      { seq: 7, from: "sam", content: "old", sentAt: 1 },
    ]);
    const sent = await store.appendMessageOnce(
      "rita",
      { from: "Rita", content: "new", sentAt: 2 },
      {
        senderKey: "rita",
        clientMessageId: Uint8Array.of(1),
        delivery: "stored",
        contentDigest: "d",
        expiresAt: 9,
      },
    );
    expect(sent).toEqual({ repeated: false, message: { seq: 8, from: "Rita", content: "new", sentAt: 2 } });
    await store.close();
    expect(withRaw(path, (db) => db.pragma("user_version", { simple: true }))).toBe(SCHEMA_VERSION);
  });

  it("refuses a database written by a newer schema version and leaves it untouched", async () => {
    const path = temp.file("newer.db");
    const store = await openSqliteStore(path);
    await store.close();
    withRaw(path, (db) => db.pragma(`user_version = ${SCHEMA_VERSION + 1}`));
    const before = readFileSync(path);
    const error = await expectOpenFailure(path, "newer-schema");
    expect(error.message).toContain(`schema ${SCHEMA_VERSION + 1}`);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe("openSqliteStore: files that are not ours", () => {
  it("refuses another application's SQLite database and leaves it untouched", async () => {
    const path = temp.file("other-app.db");
    withRaw(path, (db) => db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"));
    const before = readFileSync(path);
    await expectOpenFailure(path, "foreign");
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(withRaw(path, (db) => db.pragma("journal_mode", { simple: true }))).toBe("delete");
  });

  it("refuses an empty SQLite database that carries another application_id", async () => {
    const path = temp.file("other-id.db");
    withRaw(path, (db) => db.pragma("application_id = 1234"));
    await expectOpenFailure(path, "foreign");
  });

  it("refuses a file that is not SQLite at all", async () => {
    const path = temp.file("notes.txt");
    writeFileSync(path, "These are my notes, not a database.\n".repeat(200));
    const before = readFileSync(path);
    await expectOpenFailure(path, "not-sqlite");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("refuses a corrupt chat database", async () => {
    const path = temp.file("corrupt.db");
    const store = await openSqliteStore(path);
    await store.createAccount(account);
    await Promise.all(
      Array.from({ length: 2000 }, (_, index) =>
        store.appendMessage("rita", { from: "sam", content: `message ${index} `.repeat(8), sentAt: index }),
      ),
    );
    await store.close();
    // Keep the header (page 1) intact so the file still looks like our database, and scribble over the
    // B-tree pages behind it.
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    for (let offset = pageSize * 2; offset < bytes.length; offset += 97) bytes[offset] = offset % 251;
    writeFileSync(path, bytes);
    await expectOpenFailure(path, "corrupt");
  });
});

describe("openSqliteStore: paths that cannot be written", () => {
  it("refuses a path whose directory does not exist", async () => {
    await expectOpenFailure(`${temp.path}/missing-dir/chat.db`, "unwritable");
  });

  it("refuses a path below a regular file", async () => {
    const file = temp.file("plain-file");
    writeFileSync(file, "x");
    await expectOpenFailure(`${file}/chat.db`, "unwritable");
  });

  it("refuses a directory", async () => {
    await expectOpenFailure(temp.path, "unwritable");
  });
});
