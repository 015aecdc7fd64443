import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from "./schema.js";
import { SqliteStoreOpenError } from "./sqlite-store-open-error.js";

/** Connection settings as SQLite reports them after opening (read back, not as requested). */
export interface SqliteSettings {
  /** Always `"wal"`: readers do not block the writer, and a commit is one append plus one fsync. */
  readonly journalMode: string;
  /** 2 = FULL: every commit is fsynced before it returns, so a resolved write survives power loss. */
  readonly synchronous: number;
  /** Whether foreign keys are enforced (they are: deleting an account cascades to its messages). */
  readonly foreignKeys: boolean;
  /** How long a statement waits for another connection's lock before failing, in milliseconds. */
  readonly busyTimeoutMs: number;
  /**
   * 2 = MEMORY: statement journals and RETURNING buffers stay in memory. With the default (a temp file per
   * statement) every append paid for creating and deleting a file — measured 150× slower.
   */
  readonly tempStore: number;
  /**
   * 2 = INCREMENTAL: pages freed by acknowledged messages go to the freelist, and the store gives them
   * back to the file system with `PRAGMA incremental_vacuum` (without it the file never shrinks).
   */
  readonly autoVacuum: number;
}

/** How {@link openDatabase} opens and checks a file. */
export interface OpenDatabaseOptions {
  /** See `SqliteStoreOptions.busyTimeoutMs`. */
  readonly busyTimeoutMs: number;
  /** See `SqliteStoreOptions.integrityCheck`. */
  readonly integrityCheck: "quick" | "none";
}

/** An open, checked and migrated connection. */
export interface OpenedDatabase {
  /** The connection, at the current schema version and with the settings applied. */
  readonly db: Database.Database;
  /** The settings as read back after applying them. */
  readonly settings: SqliteSettings;
}

const SYNCHRONOUS_FULL = 2;
const TEMP_STORE_MEMORY = 2;
/** `PRAGMA auto_vacuum` value 2: freed pages stay on the freelist until `PRAGMA incremental_vacuum`. */
export const AUTO_VACUUM_INCREMENTAL = 2;

function sqliteCode(error: unknown): string {
  return error instanceof Database.SqliteError ? error.code : "";
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Turns an SQLite failure during opening into the one-line error the CLI prints. */
function describeOpenFailure(path: string, error: unknown): SqliteStoreOpenError {
  if (error instanceof SqliteStoreOpenError) return error;
  const code = sqliteCode(error);
  const options = { cause: error };
  if (code === "SQLITE_NOTADB") {
    return new SqliteStoreOpenError(path, "not-sqlite", "the file is not an SQLite database", options);
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return new SqliteStoreOpenError(path, "corrupt", "the database file is corrupt", options);
  }
  if (isDirectory(path)) {
    return new SqliteStoreOpenError(path, "unwritable", "it is a directory, not a database file", options);
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") {
    return new SqliteStoreOpenError(
      path,
      "unwritable",
      "the file (or its directory) cannot be opened for writing",
      options,
    );
  }
  if (code === "SQLITE_BUSY") {
    return new SqliteStoreOpenError(path, "unwritable", "the database is locked by another process", options);
  }
  // better-sqlite3 checks the directory itself and throws a plain TypeError before SQLite is involved.
  if (error instanceof Error && /directory does not exist/i.test(error.message)) {
    return new SqliteStoreOpenError(path, "unwritable", "its directory does not exist", options);
  }
  const reason = error instanceof Error ? error.message.replace(/\s+/g, " ") : String(error);
  return new SqliteStoreOpenError(path, "unwritable", reason, options);
}

function readInteger(db: Database.Database, pragma: string): number {
  const value = db.pragma(pragma, { simple: true });
  return typeof value === "number" ? value : Number(value);
}

/**
 * Refuses files that are not ours or are newer than this build, using only reads, so such a file is left
 * exactly as it was found. Returns the schema version the file is at (0 for a new, empty file).
 */
function identify(path: string, db: Database.Database): number {
  const applicationId = readInteger(db, "application_id");
  const userVersion = readInteger(db, "user_version");
  const objects = db.prepare<[], { count: number }>("SELECT count(*) AS count FROM sqlite_schema").get();
  const isEmpty = (objects?.count ?? 0) === 0;
  if (applicationId === 0 && userVersion === 0 && isEmpty) return 0;
  if (applicationId !== APPLICATION_ID) {
    throw new SqliteStoreOpenError(
      path,
      "foreign",
      "the file is an SQLite database of another application, not a chat database",
    );
  }
  if (userVersion > SCHEMA_VERSION) {
    throw new SqliteStoreOpenError(
      path,
      "newer-schema",
      `it was written by a newer version (schema ${userVersion}; this version knows up to ${SCHEMA_VERSION}); upgrade chat to open it`,
    );
  }
  return userVersion;
}

/** Applies the durability settings and reads them back: a setting SQLite silently ignored is an error. */
function configure(path: string, db: Database.Database): Omit<SqliteSettings, "autoVacuum"> {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("temp_store = MEMORY");
  const settings = {
    journalMode: String(db.pragma("journal_mode", { simple: true })),
    synchronous: readInteger(db, "synchronous"),
    foreignKeys: readInteger(db, "foreign_keys") === 1,
    busyTimeoutMs: readInteger(db, "busy_timeout"),
    tempStore: readInteger(db, "temp_store"),
  };
  if (
    settings.journalMode !== "wal" ||
    settings.synchronous !== SYNCHRONOUS_FULL ||
    !settings.foreignKeys ||
    settings.tempStore !== TEMP_STORE_MEMORY
  ) {
    throw new SqliteStoreOpenError(
      path,
      "settings",
      `SQLite refused the required settings (journal_mode=${settings.journalMode}, synchronous=${settings.synchronous}, foreign_keys=${settings.foreignKeys}, temp_store=${settings.tempStore}); in-memory and read-only databases are not supported`,
    );
  }
  return settings;
}

function checkIntegrity(path: string, db: Database.Database): void {
  // quick_check returns "ok", or one row per problem found (up to 100), each possibly multi-line.
  const rows = db.pragma("quick_check") as Array<Record<string, unknown>>;
  const first = String(rows[0] ? Object.values(rows[0])[0] : "no result");
  if (rows.length !== 1 || first !== "ok") {
    const summary = first.split("\n")[0]?.trim() ?? "";
    throw new SqliteStoreOpenError(
      path,
      "corrupt",
      `the database file is corrupt (integrity check: ${summary})`,
    );
  }
}

/**
 * Switches an existing file to incremental auto-vacuum by rebuilding it (VACUUM); a no-op when it already
 * is. The rebuild's scratch copy goes to a temporary file, not memory, so a large database cannot exhaust
 * the server's memory.
 */
function enableIncrementalVacuum(db: Database.Database): void {
  if (readInteger(db, "auto_vacuum") === AUTO_VACUUM_INCREMENTAL) return;
  db.pragma(`auto_vacuum = ${AUTO_VACUUM_INCREMENTAL}`);
  db.pragma("temp_store = FILE");
  try {
    db.exec("VACUUM");
  } finally {
    db.pragma(`temp_store = ${TEMP_STORE_MEMORY}`);
  }
}

/** Runs the migrations above `from`, each in its own transaction together with its `user_version` bump. */
function migrate(db: Database.Database, from: number): void {
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    if (migration.outsideTransaction === "enable-incremental-vacuum") enableIncrementalVacuum(db);
    db.transaction(() => {
      db.exec(migration.sql);
      // Pragmas take no bound parameters; both values are integers from this module, never input.
      if (migration.version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/**
 * Opens `path` (creating it when missing), refuses files that are not ours, are newer, or are damaged,
 * applies and verifies the connection settings, and brings the schema up to date. Every failure is a
 * {@link SqliteStoreOpenError} with a one-line message, and the connection is closed before it is thrown.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions): OpenedDatabase {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs });
  } catch (error) {
    throw describeOpenFailure(path, error);
  }
  try {
    const version = identify(path, db);
    // Only possible before the first table exists, and before WAL mode writes the file header.
    if (version === 0) db.pragma(`auto_vacuum = ${AUTO_VACUUM_INCREMENTAL}`);
    const settings = configure(path, db);
    if (options.integrityCheck === "quick" && version > 0) checkIntegrity(path, db);
    migrate(db, version);
    const autoVacuum = readInteger(db, "auto_vacuum");
    if (autoVacuum !== AUTO_VACUUM_INCREMENTAL) {
      throw new SqliteStoreOpenError(
        path,
        "settings",
        `SQLite refused auto_vacuum=INCREMENTAL (got ${autoVacuum})`,
      );
    }
    return { db, settings: { ...settings, autoVacuum } };
  } catch (error) {
    db.close();
    throw describeOpenFailure(path, error);
  }
}
