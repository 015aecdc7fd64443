import { ChatError } from "@chat/core";

/** Why a database could not be opened; lets a caller react to one case without parsing the message. */
export type SqliteStoreOpenFailure =
  /** The path cannot be created, opened or written (missing directory, a directory, read-only file…). */
  | "unwritable"
  /** The file exists but is not an SQLite database at all. */
  | "not-sqlite"
  /** An SQLite database, but not one of ours (another application's tables or `application_id`). */
  | "foreign"
  /** Ours, but written by a newer version of the schema than this build knows. */
  | "newer-schema"
  /** Ours, but damaged: the integrity check or SQLite itself reported corruption. */
  | "corrupt"
  /** The connection refused the settings durability depends on (WAL, synchronous=FULL, foreign keys). */
  | "settings";

/**
 * Opening a chat database failed. The message is one line naming the file and the cause, meant to be
 * printed as it is (`chat-cli serve` prints it and exits non-zero). It is a `ChatError`
 * (`FAILED_PRECONDITION`) so code that handles chat errors generically handles it too; the underlying
 * SQLite error, if any, is kept as `cause` for logs.
 */
export class SqliteStoreOpenError extends ChatError {
  constructor(
    /** The database path as given to `openSqliteStore`. */
    readonly path: string,
    /** Which case this is. */
    readonly failure: SqliteStoreOpenFailure,
    /** The cause alone, without the "cannot open chat database PATH:" prefix, for callers adding their own. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super("FAILED_PRECONDITION", `cannot open chat database ${path}: ${detail}`, options);
  }
}
