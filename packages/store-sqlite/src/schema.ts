/**
 * `PRAGMA application_id` of every database this package writes: the ASCII bytes "CHAT". SQLite keeps it
 * in the file header, so a chat database is recognisable before any table is read, and someone else's
 * SQLite file is refused instead of being migrated into ours.
 */
export const APPLICATION_ID = 0x43_48_41_54;

/** One step of the schema's history; `version` is what `PRAGMA user_version` holds once it has run. */
export interface Migration {
  /** 1, 2, 3, … with no gaps: the database's `user_version` after this step. */
  readonly version: number;
  /** What the step does, for people reading the history. */
  readonly description: string;
  /** The DDL, run inside the same transaction that bumps `user_version`, so a step applies whole or not at all. */
  readonly sql: string;
  /**
   * A step that cannot run inside a transaction (`VACUUM`), run just before it. It must be idempotent:
   * if the process dies between it and the `user_version` bump, it runs again at the next open.
   */
  readonly outsideTransaction?: "enable-incremental-vacuum";
}

/**
 * The schema's numbered history. Append new steps; never edit a released one, since databases in the
 * field already ran it.
 *
 * Design notes:
 * - `accounts.last_seq` is the per-recipient sequence counter. It lives on the account, not in the
 *   message log, so acknowledging (deleting) messages never lets a number be handed out again.
 * - `messages` is a WITHOUT ROWID table clustered on `(account_id, seq)`: append, read-after-seq and
 *   ack-up-to-seq are all range operations on that one B-tree, and a recipient's log is stored
 *   contiguously. Rows reference the account by integer id rather than by key to keep each row small.
 * - The trigger advances `last_seq` inside the very INSERT statement that appends a message, so an append
 *   is one atomic statement: when it fails, SQLite undoes the statement alone and the rest of a
 *   group-committed transaction is untouched.
 * - Tables are STRICT so a wrong type is an error, not a silently coerced value.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "accounts, per-recipient message logs, and the sequence counter",
    sql: `
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        username TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE UNIQUE INDEX accounts_by_key ON accounts (key);
      CREATE TABLE messages (
        account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        sender TEXT NOT NULL,
        content TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE TRIGGER messages_advance_last_seq AFTER INSERT ON messages
      BEGIN
        UPDATE accounts SET last_seq = NEW.seq WHERE id = NEW.account_id;
      END;
    `,
  },
  {
    version: 2,
    description: "receipts of idempotent sends, by (sender, client message id), pruned by expiry",
    // Keyed by the sender's account id so deleting the account cascades to its receipts; the expiry index
    // makes pruning a range delete rather than a scan.
    sql: `
      CREATE TABLE send_receipts (
        sender_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        client_message_id BLOB NOT NULL,
        recipient_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        sent_at INTEGER NOT NULL,
        delivery TEXT NOT NULL CHECK (delivery IN ('live', 'stored')),
        content_digest TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (sender_id, client_message_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX send_receipts_by_expiry ON send_receipts (expires_at);
    `,
  },
  {
    version: 3,
    description: "auto_vacuum = INCREMENTAL, so pages freed by acknowledged messages can be given back",
    // New files are created with it already (it can only be switched on before the first table or by
    // rebuilding the file); older ones are rebuilt once with VACUUM, which needs free disk space about the
    // size of the file.
    sql: "",
    outsideTransaction: "enable-incremental-vacuum",
  },
];

/** The schema version this build writes; a database with a higher `user_version` is refused. */
export const SCHEMA_VERSION: number = MIGRATIONS.length;
