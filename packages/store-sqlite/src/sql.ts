/**
 * Every statement the store runs per operation, in one place, so the store prepares each once and the
 * query-plan test can check that none of them scans a table.
 */
export const SQL = {
  createAccount: `
    INSERT INTO accounts (key, username, password_hash, created_at)
    VALUES (:key, :username, :passwordHash, :createdAt)
    ON CONFLICT (key) DO NOTHING`,
  getAccount: "SELECT username, key, password_hash, created_at FROM accounts WHERE key = :key",
  setPasswordHash: "UPDATE accounts SET password_hash = :passwordHash WHERE key = :key",
  deleteAccount: "DELETE FROM accounts WHERE key = :key",
  // Four listing shapes rather than one with optional bounds: each keeps a single range on the key index
  // that SQLite can seek to, where `key > ? OR ? IS NULL` style predicates would defeat the index.
  listAfter: "SELECT username FROM accounts WHERE key > :lower ORDER BY key LIMIT :limit",
  listFrom: "SELECT username FROM accounts WHERE key >= :lower ORDER BY key LIMIT :limit",
  listAfterBelow:
    "SELECT username FROM accounts WHERE key > :lower AND key < :upper ORDER BY key LIMIT :limit",
  listFromBelow:
    "SELECT username FROM accounts WHERE key >= :lower AND key < :upper ORDER BY key LIMIT :limit",
  // The sequence number is taken from the account row and advanced by the `messages_advance_last_seq`
  // trigger within this same statement; no row inserted means there is no such account.
  appendMessage: `
    INSERT INTO messages (account_id, seq, sender, content, sent_at)
    SELECT id, last_seq + 1, :sender, :content, :sentAt FROM accounts WHERE key = :key
    RETURNING seq`,
  // How many unacknowledged messages a recipient holds. Sequence numbers are contiguous in a log (appends
  // take last_seq + 1, acks delete a prefix), so the count is last_seq - first_seq + 1: two index seeks
  // (min() on the primary key is one), where count(*) would walk the whole backlog on every append.
  backlog: `
    SELECT last_seq - coalesce((SELECT min(seq) FROM messages WHERE account_id = accounts.id), last_seq + 1) + 1
    FROM accounts WHERE key = :key`,
  findReceipt: `
    SELECT r.recipient_key, r.seq, r.sent_at, r.delivery, r.content_digest
    FROM accounts AS a JOIN send_receipts AS r ON r.sender_id = a.id
    WHERE a.key = :senderKey AND r.client_message_id = :clientMessageId AND r.expires_at > :now`,
  // Replaces an expired receipt not yet pruned. `WHERE true` tells the parser the ON CONFLICT belongs to
  // the INSERT, not to a join in the SELECT.
  recordReceipt: `
    INSERT INTO send_receipts
      (sender_id, client_message_id, recipient_key, seq, sent_at, delivery, content_digest, expires_at)
    SELECT id, :clientMessageId, :recipientKey, :seq, :sentAt, :delivery, :contentDigest, :expiresAt
    FROM accounts WHERE key = :senderKey AND true
    ON CONFLICT (sender_id, client_message_id) DO UPDATE SET
      recipient_key = excluded.recipient_key, seq = excluded.seq, sent_at = excluded.sent_at,
      delivery = excluded.delivery, content_digest = excluded.content_digest, expires_at = excluded.expires_at`,
  pruneReceipts: "DELETE FROM send_receipts WHERE expires_at <= :now",
  readMessages: `
    SELECT m.seq, m.sender, m.content, m.sent_at
    FROM accounts AS a JOIN messages AS m ON m.account_id = a.id
    WHERE a.key = :key AND m.seq > :afterSeq
    ORDER BY m.seq
    LIMIT :limit`,
  countAccountMessages: `
    SELECT COUNT(*) FROM messages WHERE account_id = (SELECT id FROM accounts WHERE key = :key)`,
  ackMessages: `
    DELETE FROM messages
    WHERE account_id = (SELECT id FROM accounts WHERE key = :key) AND seq <= :upToSeq`,
} as const;

/**
 * Counts every stored message: a full scan of `messages`, so it runs once, when the store opens, to seed
 * the in-memory count `countMessages()` keeps up to date. Never on a per-operation path (hence not in
 * {@link SQL}, whose statements are all index seeks).
 */
export const COUNT_ALL_MESSAGES_AT_OPEN = "SELECT COUNT(*) FROM messages";

/** The name of one of the store's statements. */
export type StatementName = keyof typeof SQL;
