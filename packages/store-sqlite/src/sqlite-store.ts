import {
  type AccountListRange,
  type AccountRecord,
  ChatError,
  type NewMessage,
  type Store,
  type StoredMessage,
} from "@chat/core";
import type Database from "better-sqlite3";
import { CommitQueue, type CommitStats } from "./commit-queue.js";
import { compareBinary, prefixUpperBound } from "./key-range.js";
import { openDatabase, type SqliteSettings } from "./open-database.js";
import { COUNT_ALL_MESSAGES_AT_OPEN, SQL } from "./sql.js";

/** How {@link openSqliteStore} opens a database. */
export interface SqliteStoreOptions {
  /**
   * How long an operation waits for a lock held by another connection to the same file before it fails,
   * in milliseconds. Default 5000. The server is the only writer; this covers backup tools and the like.
   */
  readonly busyTimeoutMs?: number;
  /**
   * `"quick"` (default) runs `PRAGMA quick_check` when an existing database is opened, so a damaged file
   * is refused at startup rather than failing mid-service; it reads the whole file once (about a second
   * per few hundred MB). `"none"` skips it.
   */
  readonly integrityCheck?: "quick" | "none";
}

/** The default of {@link SqliteStoreOptions.busyTimeoutMs}. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

interface AccountRow {
  readonly username: string;
  readonly key: string;
  readonly password_hash: string;
  readonly created_at: number;
}

interface MessageRow {
  readonly seq: number;
  readonly sender: string;
  readonly content: string;
  readonly sent_at: number;
}

interface LowerBound {
  readonly lower: string;
  readonly limit: number;
}

interface LowerAndUpperBound extends LowerBound {
  readonly upper: string;
}

/**
 * A LIMIT value with the in-memory store's meaning: SQLite reads a negative LIMIT as "no limit", where
 * `MemoryStore` returns nothing, and rejects a fractional one, where `slice` truncates; only an infinite
 * limit means "all".
 */
function rowLimit(limit: number): number {
  if (limit === Number.POSITIVE_INFINITY) return -1;
  return Number.isNaN(limit) ? 0 : Math.max(0, Math.floor(limit));
}

/** The store's statements, prepared once when the store opens. */
function prepareStatements(db: Database.Database) {
  return {
    beginImmediate: db.prepare("BEGIN IMMEDIATE"),
    beginDeferred: db.prepare("BEGIN DEFERRED"),
    commit: db.prepare("COMMIT"),
    rollback: db.prepare("ROLLBACK"),
    createAccount: db.prepare<{ key: string; username: string; passwordHash: string; createdAt: number }>(
      SQL.createAccount,
    ),
    getAccount: db.prepare<{ key: string }, AccountRow>(SQL.getAccount),
    setPasswordHash: db.prepare<{ key: string; passwordHash: string }>(SQL.setPasswordHash),
    deleteAccount: db.prepare<{ key: string }>(SQL.deleteAccount),
    listAfter: db.prepare<LowerBound, string>(SQL.listAfter).pluck(),
    listFrom: db.prepare<LowerBound, string>(SQL.listFrom).pluck(),
    listAfterBelow: db.prepare<LowerAndUpperBound, string>(SQL.listAfterBelow).pluck(),
    listFromBelow: db.prepare<LowerAndUpperBound, string>(SQL.listFromBelow).pluck(),
    appendMessage: db
      .prepare<{ key: string; sender: string; content: string; sentAt: number }, number>(SQL.appendMessage)
      .pluck(),
    readMessages: db.prepare<{ key: string; afterSeq: number; limit: number }, MessageRow>(SQL.readMessages),
    ackMessages: db.prepare<{ key: string; upToSeq: number }>(SQL.ackMessages),
    countAccountMessages: db.prepare<{ key: string }, number>(SQL.countAccountMessages).pluck(),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * A durable {@link Store} on one SQLite file (better-sqlite3), the chat server's default.
 *
 * - WAL journal with `synchronous=FULL`: a write resolves only after its transaction is fsynced.
 * - Group commit: operations arriving in one event-loop turn share one transaction (see `CommitQueue`),
 *   and reads queue behind writes, so callers always read their own writes.
 * - Each write is one statement, so a failing operation (`ALREADY_EXISTS`, `NOT_FOUND`) leaves the rest
 *   of its batch intact.
 * - Every per-operation statement is prepared once and is an index seek or range, never a table scan.
 *
 * Open it with {@link openSqliteStore}.
 */
export class SqliteStore implements Store {
  private readonly statements: Statements;
  private readonly queue: CommitQueue;
  private closed = false;
  /**
   * Messages stored and not acknowledged: counted once at open, then kept up to date by each operation
   * as it runs, so `countMessages()` never scans and sends pay no extra step. A group commit that fails
   * after its operations ran leaves the count off by that batch until the next open; it is a metric,
   * never used to decide anything.
   */
  private messageCount: number;

  private constructor(
    private readonly db: Database.Database,
    private readonly connectionSettings: SqliteSettings,
  ) {
    this.statements = prepareStatements(db);
    this.queue = new CommitQueue(db, this.statements);
    this.messageCount = db.prepare<[], number>(COUNT_ALL_MESSAGES_AT_OPEN).pluck().get() ?? 0;
  }

  /**
   * Opens (creating when missing) and migrates the database at `path`. Throws `SqliteStoreOpenError`
   * with a one-line message when the file is not writable, not SQLite, another application's database,
   * written by a newer version, or corrupt; such a file is left untouched.
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const { db, settings } = openDatabase(path, {
      busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      integrityCheck: options.integrityCheck ?? "quick",
    });
    return new SqliteStore(db, settings);
  }

  /** The connection settings as SQLite reported them when the store opened (they were verified then). */
  settings(): SqliteSettings {
    return this.connectionSettings;
  }

  /** Group-commit counters: how many transactions carried how many operations. */
  stats(): CommitStats {
    return this.queue.stats();
  }

  private run<T>(writes: boolean, work: (statements: Statements) => T): Promise<T> {
    if (this.closed) return Promise.reject(new ChatError("UNAVAILABLE", "the store is closed"));
    return this.queue.enqueue(writes, () => work(this.statements));
  }

  createAccount(account: AccountRecord): Promise<void> {
    return this.run(true, (statements) => {
      const { changes } = statements.createAccount.run({
        key: account.key,
        username: account.username,
        passwordHash: account.passwordHash,
        createdAt: account.createdAt,
      });
      if (changes === 0)
        throw new ChatError("ALREADY_EXISTS", `username ${account.username} is already taken`);
    });
  }

  getAccount(key: string): Promise<AccountRecord | undefined> {
    return this.run(false, (statements) => {
      const row = statements.getAccount.get({ key });
      if (row === undefined) return undefined;
      return {
        username: row.username,
        key: row.key,
        passwordHash: row.password_hash,
        createdAt: row.created_at,
      };
    });
  }

  setPasswordHash(key: string, passwordHash: string): Promise<void> {
    return this.run(true, (statements) => {
      if (statements.setPasswordHash.run({ key, passwordHash }).changes === 0) {
        throw new ChatError("NOT_FOUND", "no such account");
      }
    });
  }

  deleteAccount(key: string): Promise<boolean> {
    // The foreign key's ON DELETE CASCADE removes the account's messages within the same statement.
    return this.run(true, (statements) => {
      const messages = statements.countAccountMessages.get({ key }) ?? 0;
      const deleted = statements.deleteAccount.run({ key }).changes > 0;
      if (deleted) this.messageCount -= messages;
      return deleted;
    });
  }

  listAccounts(range: AccountListRange): Promise<string[]> {
    return this.run(false, (statements) => {
      const prefix = range.keyPrefix ?? "";
      const upper = prefixUpperBound(prefix);
      // Start from whichever lower bound is tighter: the exclusive cursor or the inclusive prefix.
      const afterCursor = range.afterKey !== undefined && compareBinary(range.afterKey, prefix) >= 0;
      const lower = afterCursor ? (range.afterKey ?? prefix) : prefix;
      const limit = rowLimit(range.limit);
      if (upper === undefined) {
        return (afterCursor ? statements.listAfter : statements.listFrom).all({ lower, limit });
      }
      return (afterCursor ? statements.listAfterBelow : statements.listFromBelow).all({
        lower,
        upper,
        limit,
      });
    });
  }

  appendMessage(recipientKey: string, message: NewMessage): Promise<StoredMessage> {
    return this.run(true, (statements) => {
      const seq = statements.appendMessage.get({
        key: recipientKey,
        sender: message.from,
        content: message.content,
        sentAt: message.sentAt,
      });
      if (seq === undefined) throw new ChatError("NOT_FOUND", "no such account");
      this.messageCount++;
      return { seq, from: message.from, content: message.content, sentAt: message.sentAt };
    });
  }

  readMessages(recipientKey: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    return this.run(false, (statements) =>
      statements.readMessages
        .all({ key: recipientKey, afterSeq, limit: rowLimit(limit) })
        .map((row) => ({ seq: row.seq, from: row.sender, content: row.content, sentAt: row.sent_at })),
    );
  }

  ackMessages(recipientKey: string, upToSeq: number): Promise<number> {
    return this.run(true, (statements) => {
      const removed = statements.ackMessages.run({ key: recipientKey, upToSeq }).changes;
      this.messageCount -= removed;
      return removed;
    });
  }

  /** @inheritDoc */
  async countMessages(): Promise<number> {
    if (this.closed) throw new ChatError("UNAVAILABLE", "the store is closed");
    return this.messageCount;
  }

  /** Commits everything already queued, then closes the file; later calls fail with `UNAVAILABLE`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.flush();
    this.db.close();
  }
}

/**
 * Opens the chat database at `path` for the server: see {@link SqliteStore.open}. Rejects with
 * `SqliteStoreOpenError` (one-line message) when the file cannot be used.
 */
export async function openSqliteStore(path: string, options?: SqliteStoreOptions): Promise<SqliteStore> {
  return SqliteStore.open(path, options);
}
