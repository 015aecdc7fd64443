import type { DeliveryMode } from "./delivery.js";

/** An account as the store keeps it. */
export interface AccountRecord {
  /** The name as registered: its spelling is what lists and deliveries show. */
  readonly username: string;
  /** The case-folded username: unique across the store (`Bob` and `bob` share the key `bob`). */
  readonly key: string;
  /** A self-describing password hash from a `PasswordHasher`; never the password. */
  readonly passwordHash: string;
  /** When the account was created, in milliseconds since the Unix epoch. */
  readonly createdAt: number;
}

/** A message waiting in a recipient's log until it is acknowledged. */
export interface StoredMessage {
  /** Per-recipient sequence number: assigned by the store, strictly increasing, never reused for that account. */
  readonly seq: number;
  /** The sender's registered spelling. */
  readonly from: string;
  /** The message text (1–512 bytes of UTF-8). */
  readonly content: string;
  /** Server time of the send, in milliseconds since the Unix epoch. */
  readonly sentAt: number;
}

/** What a sender hands the store; the store adds the sequence number. */
export interface NewMessage {
  readonly from: string;
  readonly content: string;
  readonly sentAt: number;
}

/** Limits an append enforces in the same atomic step as the write. */
export interface AppendLimits {
  /**
   * Most unacknowledged messages the recipient's log may hold: an append that would exceed it fails with
   * `RESOURCE_EXHAUSTED` and stores nothing. Absent means no cap.
   */
  readonly maxBacklog?: number;
}

/**
 * What an idempotent send asks the store to remember, under (`senderKey`, `clientMessageId`), together with
 * the message it appends.
 */
export interface SendDedupe {
  /** The sender's case-folded key. */
  readonly senderKey: string;
  /** The client's opaque id for this send (1–32 bytes). */
  readonly clientMessageId: Uint8Array;
  /** The delivery mode the send is answered with; a repeat is answered with the same. */
  readonly delivery: DeliveryMode;
  /** A digest of the content, so a repeat carrying other content can be told from a retry. */
  readonly contentDigest: string;
  /**
   * When the record may be forgotten (ms since the epoch): a send carrying the same id at or after this
   * time is a new send. Records past it may be pruned at any time.
   */
  readonly expiresAt: number;
}

/** The first answer to an idempotent send, as remembered under (sender, client message id). */
export interface SendReceipt {
  /** The recipient the first send went to (case-folded key). */
  readonly recipientKey: string;
  readonly seq: number;
  readonly sentAt: number;
  readonly delivery: DeliveryMode;
  readonly contentDigest: string;
}

/** What a store keeps of an idempotent send that appended `stored`: its receipt, and until when. */
export interface RecordedReceipt extends SendReceipt {
  readonly expiresAt: number;
}

/** The receipt an idempotent send that appended `stored` for `recipientKey` records, by every store's rule. */
export function recordedReceipt(
  recipientKey: string,
  stored: StoredMessage,
  dedupe: SendDedupe,
): RecordedReceipt {
  return {
    recipientKey,
    seq: stored.seq,
    sentAt: stored.sentAt,
    delivery: dedupe.delivery,
    contentDigest: dedupe.contentDigest,
    expiresAt: dedupe.expiresAt,
  };
}

/** The outcome of `Store.appendMessageOnce`. */
export type AppendOnceResult =
  /** The id was new (or its record had expired): the message was appended and the receipt recorded. */
  | { readonly repeated: false; readonly message: StoredMessage }
  /** The id was seen within its window: nothing was written, and this is what the first send stored. */
  | { readonly repeated: true; readonly receipt: SendReceipt };

/** Where a listing starts and what it returns. */
export interface AccountListRange {
  /** Return only keys strictly after this one (exclusive cursor). */
  readonly afterKey?: string;
  /** Return only keys that start with this (already case-folded) text. */
  readonly keyPrefix?: string;
  /** Most usernames to return. */
  readonly limit: number;
}

/**
 * Durable state of the chat system: accounts, and per recipient an ordered log of unacknowledged messages.
 *
 * Every method is one atomic operation, so implementations on SQLite (a transaction) or Redis (a script)
 * can back it directly. Implementations must:
 * - throw `ChatError` `ALREADY_EXISTS` from `createAccount` when the key is taken, and `NOT_FOUND` from
 *   `appendMessage` and `setPasswordHash` when the account does not exist;
 * - assign sequence numbers per recipient in call order, make a message readable only once every lower
 *   sequence number of that recipient is readable, and never reuse a number for the same account;
 * - enforce `AppendLimits.maxBacklog` atomically with the append (`RESOURCE_EXHAUSTED`, nothing stored);
 * - in `appendMessageOnce`, look up, append and record the receipt in one atomic step, so a crash leaves
 *   either the message and its receipt or neither, and keep receipts at least until their `expiresAt`
 *   (durable stores: across a restart); deleting an account deletes the receipts of its sends;
 * - resolve a write only when it is as durable as the store promises to be.
 *
 * `describeStoreContract` in `@chat/core/testing` checks all of this; every implementation runs it.
 */
export interface Store {
  /** Creates an account; `ALREADY_EXISTS` when its key is taken. */
  createAccount(account: AccountRecord): Promise<void>;
  /** The account with this key, if any. */
  getAccount(key: string): Promise<AccountRecord | undefined>;
  /** Replaces an account's password hash (rehash on login); `NOT_FOUND` when the account is gone. */
  setPasswordHash(key: string, passwordHash: string): Promise<void>;
  /** Deletes an account and every message queued for it; false when there was none. */
  deleteAccount(key: string): Promise<boolean>;
  /** Registered usernames in key order (case-insensitive alphabetical), within the given range. */
  listAccounts(range: AccountListRange): Promise<string[]>;
  /**
   * Appends to a recipient's log and returns the stored message; `NOT_FOUND` when the recipient is gone,
   * `RESOURCE_EXHAUSTED` when its backlog is at `limits.maxBacklog`.
   */
  appendMessage(recipientKey: string, message: NewMessage, limits?: AppendLimits): Promise<StoredMessage>;
  /**
   * An idempotent append: when `dedupe`'s (sender, client message id) has a receipt that has not expired
   * at `message.sentAt`, returns it and writes nothing (whatever the recipient and content this time);
   * otherwise appends like `appendMessage` and records the receipt in the same atomic step.
   */
  appendMessageOnce(
    recipientKey: string,
    message: NewMessage,
    dedupe: SendDedupe,
    limits?: AppendLimits,
  ): Promise<AppendOnceResult>;
  /** Up to `limit` messages of a recipient with sequence numbers above `afterSeq`, in sequence order. */
  readMessages(recipientKey: string, afterSeq: number, limit: number): Promise<StoredMessage[]>;
  /** Removes a recipient's messages with sequence numbers up to and including `upToSeq`; returns how many. */
  ackMessages(recipientKey: string, upToSeq: number): Promise<number>;
  /**
   * How many messages are stored and not yet acknowledged, over every recipient: the offline queue's
   * depth, for metrics. Optional: a store that cannot count cheaply leaves it out.
   */
  countMessages?(): Promise<number>;
  /** Flushes and releases the store; no method may be called afterwards. */
  close(): Promise<void>;
}
