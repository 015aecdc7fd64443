import { ChatError } from "@chat/core";
import type Database from "better-sqlite3";

/** Counters of the group-commit queue, for tests and diagnostics. */
export interface CommitStats {
  /** Transactions committed (or attempted) so far; one per batch. */
  readonly transactions: number;
  /** Operations run so far, reads included. */
  readonly operations: number;
}

/** One queued operation, type-erased so a batch can hold operations of different result types. */
interface QueueEntry {
  readonly writes: boolean;
  /** Runs the work inside the open transaction; false when it threw. */
  execute(): boolean;
  /** Replaces a success not yet reported with `error` (its transaction was lost). */
  revoke(error: ChatError): void;
  /** Reports the outcome to the caller; called only once the transaction's fate is known. */
  settle(): void;
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

class Entry<T> implements QueueEntry {
  private outcome: Outcome<T> | undefined;

  constructor(
    readonly writes: boolean,
    private readonly work: () => T,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  execute(): boolean {
    try {
      this.outcome = { ok: true, value: this.work() };
      return true;
    } catch (error) {
      this.outcome = { ok: false, error: asChatError(error) };
      return false;
    }
  }

  revoke(error: ChatError): void {
    if (this.outcome === undefined || this.outcome.ok) this.outcome = { ok: false, error };
  }

  settle(): void {
    const outcome = this.outcome;
    if (outcome?.ok) this.resolve(outcome.value);
    else this.reject(outcome?.error ?? new ChatError("INTERNAL", "the operation did not run"));
  }
}

/**
 * A `ChatError` is the store's own verdict (`NOT_FOUND`, …) and passes through; anything else is SQLite
 * failing underneath (disk full, I/O error, corruption) and becomes `UNAVAILABLE`, with the original kept
 * as `cause` so logs have it while clients never see paths or SQL.
 */
function asChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  return new ChatError("UNAVAILABLE", "the message store failed", { cause: error });
}

/** The transaction-control statements the queue runs, prepared once by the owner of the connection. */
interface TransactionStatements {
  readonly beginImmediate: Database.Statement;
  readonly beginDeferred: Database.Statement;
  readonly commit: Database.Statement;
  readonly rollback: Database.Statement;
}

/**
 * Group commit for a synchronous SQLite connection. Every operation queued during one event-loop turn
 * runs, in queue order, inside one transaction that is committed (one fsync) in a `setImmediate`
 * callback; only then are the callers' promises settled. So a resolved write is on disk, many concurrent
 * writes cost one fsync, and reads queued behind writes see them (read-your-writes).
 *
 * Each operation must be a single statement or otherwise leave nothing behind when it throws: SQLite then
 * undoes that statement alone and the batch's other operations still commit. If SQLite abandons the whole
 * transaction (it may on disk-full or I/O errors), every operation of the batch that ran before is
 * reported failed, and the rest of the batch continues in a fresh transaction.
 */
export class CommitQueue {
  private pending: QueueEntry[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private transactions = 0;
  private operations = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly statements: TransactionStatements,
    /**
     * Runs before a transaction that wrote is committed; when it throws, the transaction is rolled back and
     * every operation in it fails with the thrown `ChatError`. The store checks here that its file is still
     * the one at its path, so no write is acknowledged into a file nobody will open again.
     */
    private readonly beforeWriteCommit: () => void = () => {},
  ) {}

  /** Queues `work` (run synchronously inside the batch's transaction); settles after the commit. */
  enqueue<T>(writes: boolean, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push(new Entry(writes, work, resolve, reject));
      // setImmediate, not a microtask: it runs after the poll phase, so operations started by every I/O
      // callback of this turn (many sockets' frames) land in the same batch.
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Runs everything queued now, synchronously; `close()` calls it so no queued work is lost. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.runBatch(batch);
  }

  /** Counters since the queue was created. */
  stats(): CommitStats {
    return { transactions: this.transactions, operations: this.operations };
  }

  private runBatch(batch: QueueEntry[]): void {
    this.transactions += 1;
    this.operations += batch.length;
    const begin = batch.some((entry) => entry.writes)
      ? this.statements.beginImmediate
      : this.statements.beginDeferred;
    try {
      begin.run();
    } catch (error) {
      this.failAll(batch, error);
      return;
    }
    /** Index of the first entry of the transaction now open (a lost transaction is followed by a new one). */
    let openedAt = 0;
    for (let index = 0; index < batch.length; index++) {
      (batch[index] as QueueEntry).execute();
      if (this.db.inTransaction) continue;
      // SQLite rolled the whole transaction back (it may, on disk-full or I/O errors): this entry and
      // every one before it in the same transaction lost their writes, and their reads may have seen
      // writes that never happened.
      const lost = new ChatError("UNAVAILABLE", "the message store failed; the operation was rolled back");
      for (const earlier of batch.slice(openedAt, index + 1)) earlier.revoke(lost);
      openedAt = index + 1;
      if (openedAt === batch.length) break;
      try {
        begin.run();
      } catch (error) {
        this.failAll(batch.slice(openedAt), error);
        for (const done of batch.slice(0, openedAt)) done.settle();
        return;
      }
    }
    if (this.db.inTransaction) {
      if (batch.slice(openedAt).some((entry) => entry.writes)) {
        try {
          this.beforeWriteCommit();
        } catch (error) {
          this.statements.rollback.run();
          const refused = asChatError(error);
          for (const entry of batch.slice(openedAt)) entry.revoke(refused);
          for (const entry of batch) entry.settle();
          return;
        }
      }
      try {
        this.statements.commit.run();
      } catch (error) {
        if (this.db.inTransaction) this.statements.rollback.run();
        this.failAll(batch.slice(openedAt), error);
        for (const done of batch.slice(0, openedAt)) done.settle();
        return;
      }
    }
    for (const entry of batch) entry.settle();
  }

  private failAll(entries: readonly QueueEntry[], cause: unknown): void {
    const error = new ChatError("UNAVAILABLE", "the message store could not commit to disk", { cause });
    for (const entry of entries) {
      entry.revoke(error);
      entry.settle();
    }
  }
}
