import { type BigIntStats, statSync } from "node:fs";
import {
  type AccountListRange,
  type AccountRecord,
  type AppendLimits,
  type AppendOnceResult,
  ChatError,
  type DeliveryMode,
  type NewMessage,
  recordedReceipt,
  type SendDedupe,
  type ServerLogger,
  type Store,
  type StoredMessage,
  silentLogger,
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
  /**
   * Where the store reports faults no caller hears about in full (the database file was removed or
   * replaced under it, a background vacuum failed). Default: silent.
   */
  readonly logger?: ServerLogger;
}

/** The default of {@link SqliteStoreOptions.busyTimeoutMs}. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Expired send receipts are deleted at most this often (in message time, ms), inside an idempotent
 * append's transaction: often enough that the table holds little more than one dedupe window, rarely
 * enough that pruning costs nothing per send.
 */
export const RECEIPT_PRUNE_INTERVAL_MS = 60_000;

/**
 * Free pages (4 KiB each by default) the file may hold before the store gives them back with
 * `PRAGMA incremental_vacuum`: 1 MiB, so a mailbox that drains shrinks the file while a steady
 * send-and-ack flow, which frees and reuses a few pages at a time, never pays for it.
 */
export const FREE_PAGES_VACUUM_THRESHOLD = 256;

/**
 * Most pages one vacuum step gives back (16 MiB at 4 KiB), so one step stays a few milliseconds; the
 * next step follows in the next batch until the freelist is below the threshold.
 */
export const VACUUM_PAGES_PER_STEP = 4096;

/** Which file a path names: a file removed or replaced under the store has another identity (or none). */
interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

function identityOf(stats: BigIntStats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino };
}

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

interface ReceiptRow {
  readonly recipient_key: string;
  readonly seq: number;
  readonly sent_at: number;
  readonly delivery: DeliveryMode;
  readonly content_digest: string;
}

interface ReceiptBindings {
  readonly senderKey: string;
  readonly clientMessageId: Buffer;
  readonly recipientKey: string;
  readonly seq: number;
  readonly sentAt: number;
  readonly delivery: DeliveryMode;
  readonly contentDigest: string;
  readonly expiresAt: number;
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
    backlog: db.prepare<{ key: string }, number>(SQL.backlog).pluck(),
    findReceipt: db.prepare<{ senderKey: string; clientMessageId: Buffer; now: number }, ReceiptRow>(
      SQL.findReceipt,
    ),
    recordReceipt: db.prepare<ReceiptBindings>(SQL.recordReceipt),
    pruneReceipts: db.prepare<{ now: number }>(SQL.pruneReceipts),
    readMessages: db.prepare<{ key: string; afterSeq: number; limit: number }, MessageRow>(SQL.readMessages),
    ackMessages: db.prepare<{ key: string; upToSeq: number }>(SQL.ackMessages),
    countAccountMessages: db.prepare<{ key: string }, number>(SQL.countAccountMessages).pluck(),
    freePages: db.prepare<[], number>("PRAGMA freelist_count").pluck(),
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
  /** Message time at or after which the next idempotent append prunes expired receipts. */
  private nextReceiptPruneAt = 0;
  /** Whether a vacuum step is queued, so acks arriving meanwhile do not queue more. */
  private vacuumQueued = false;
  /** Why writes are refused for good (the file was removed or replaced), once that is known. */
  private fileLost: ChatError | undefined;
  private readonly fileIdentity: FileIdentity;
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
    private readonly path: string,
    private readonly logger: ServerLogger,
  ) {
    this.statements = prepareStatements(db);
    this.fileIdentity = identityOf(statSync(path, { bigint: true }));
    this.queue = new CommitQueue(db, this.statements, () => this.verifyFile());
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
    try {
      return new SqliteStore(db, settings, path, options.logger ?? silentLogger);
    } catch (error) {
      db.close();
      throw error;
    }
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
    if (writes && this.fileLost) return Promise.reject(this.fileLost);
    return this.queue.enqueue(writes, () => work(this.statements));
  }

  /**
   * Called before every commit that wrote: refuses it when the path no longer names the file the store
   * has open (deleted, or replaced by a restore or another program), because everything committed into
   * the orphaned file would be gone at the next start. From then on every write fails; reads go on.
   */
  private verifyFile(): void {
    if (this.fileLost) throw this.fileLost;
    let current: FileIdentity | undefined;
    try {
      current = identityOf(statSync(this.path, { bigint: true }));
    } catch {
      current = undefined;
    }
    if (current?.dev === this.fileIdentity.dev && current.ino === this.fileIdentity.ino) return;
    const what = current === undefined ? "removed" : "replaced by another file";
    this.fileLost = new ChatError(
      "UNAVAILABLE",
      "the message store is unavailable: its database file is gone; restart the server",
    );
    this.logger.error(
      { path: this.path, fault: current === undefined ? "removed" : "replaced" },
      `the chat database file was ${what} while the server was running; refusing every write until it is restarted`,
    );
    throw this.fileLost;
  }

  /**
   * After a write that freed pages (acks, account deletion): once the freelist passes the threshold,
   * queues a step of `incremental_vacuum`, and more after it until it is below again. A separate queued
   * operation, so its failure costs the ack nothing; it is logged.
   */
  private afterFreeingPages(statements: Statements): void {
    if (this.vacuumQueued || (statements.freePages.get() ?? 0) < FREE_PAGES_VACUUM_THRESHOLD) return;
    this.queueVacuumStep();
  }

  private queueVacuumStep(): void {
    this.vacuumQueued = true;
    this.run(true, (statements) => {
      // Pragmas take no bound parameters; the count is this module's constant.
      this.db.exec(`PRAGMA incremental_vacuum(${VACUUM_PAGES_PER_STEP})`);
      return (statements.freePages.get() ?? 0) >= FREE_PAGES_VACUUM_THRESHOLD;
    }).then(
      (more) => {
        this.vacuumQueued = false;
        if (more && !this.closed) this.queueVacuumStep();
      },
      (error: unknown) => {
        this.vacuumQueued = false;
        // A closed store or a lost file already said why; anything else is worth a line.
        if (!this.closed && !this.fileLost) {
          this.logger.warn({ err: error, path: this.path }, "giving free database pages back failed");
        }
      },
    );
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
      if (deleted) {
        this.messageCount -= messages;
        this.afterFreeingPages(statements);
      }
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

  appendMessage(recipientKey: string, message: NewMessage, limits?: AppendLimits): Promise<StoredMessage> {
    return this.run(true, (statements) => this.append(statements, recipientKey, message, limits));
  }

  appendMessageOnce(
    recipientKey: string,
    message: NewMessage,
    dedupe: SendDedupe,
    limits?: AppendLimits,
  ): Promise<AppendOnceResult> {
    const clientMessageId = Buffer.from(dedupe.clientMessageId);
    return this.run(true, (statements) => {
      const now = message.sentAt;
      if (now >= this.nextReceiptPruneAt) {
        statements.pruneReceipts.run({ now });
        this.nextReceiptPruneAt = now + RECEIPT_PRUNE_INTERVAL_MS;
      }
      const found = statements.findReceipt.get({ senderKey: dedupe.senderKey, clientMessageId, now });
      if (found !== undefined) {
        return {
          repeated: true,
          receipt: {
            recipientKey: found.recipient_key,
            seq: found.seq,
            sentAt: found.sent_at,
            delivery: found.delivery,
            contentDigest: found.content_digest,
          },
        };
      }
      // Two writes: a savepoint (better-sqlite3 nests a transaction as one) makes them one step, so a
      // failure of the second never leaves a message without its receipt in the batch's transaction.
      return this.db.transaction((): AppendOnceResult => {
        const stored = this.append(statements, recipientKey, message, limits);
        statements.recordReceipt.run({
          senderKey: dedupe.senderKey,
          clientMessageId,
          ...recordedReceipt(recipientKey, stored, dedupe),
        });
        return { repeated: false, message: stored };
      })();
    });
  }

  /**
   * The backlog check and the insert run back to back inside the queue's transaction, with nothing in
   * between, so the cap holds however many appends are queued. A refused append writes nothing.
   */
  private append(
    statements: Statements,
    recipientKey: string,
    message: NewMessage,
    limits: AppendLimits | undefined,
  ): StoredMessage {
    const maxBacklog = limits?.maxBacklog;
    if (maxBacklog !== undefined) {
      const backlog = statements.backlog.get({ key: recipientKey });
      if (backlog === undefined) throw new ChatError("NOT_FOUND", "no such account");
      if (backlog >= maxBacklog) throw new ChatError("RESOURCE_EXHAUSTED", "the recipient's mailbox is full");
    }
    const seq = statements.appendMessage.get({
      key: recipientKey,
      sender: message.from,
      content: message.content,
      sentAt: message.sentAt,
    });
    if (seq === undefined) throw new ChatError("NOT_FOUND", "no such account");
    this.messageCount++;
    return { seq, from: message.from, content: message.content, sentAt: message.sentAt };
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
      if (removed > 0) this.afterFreeingPages(statements);
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
