import { ChatError } from "./chat-error.js";
import {
  type AccountListRange,
  type AccountRecord,
  type AppendLimits,
  type AppendOnceResult,
  type NewMessage,
  type RecordedReceipt,
  recordedReceipt,
  type SendDedupe,
  type Store,
  type StoredMessage,
} from "./store.js";

interface MemoryAccount {
  record: AccountRecord;
  /**
   * Messages in sequence order; the slots before `head` are acknowledged, already cleared (so the messages
   * can be collected at once rather than surviving in the log until it is compacted) and wait to be
   * compacted away. Every slot from `head` on holds a message.
   */
  log: Array<StoredMessage | undefined>;
  /** Index of the oldest unacknowledged message in `log`. */
  head: number;
  lastSeq: number;
  /** Receipts of this account's idempotent sends, by client message id (hex); dropped with the account. */
  readonly receipts: Map<string, RecordedReceipt>;
}

/** A receipt in the order it was written, for pruning expired ones oldest first. */
interface ReceiptExpiry {
  readonly account: MemoryAccount;
  readonly id: string;
  readonly receipt: RecordedReceipt;
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Acknowledged messages are dropped from a log in bulk once this many have piled up at its front. */
const COMPACT_AFTER = 1024;

/** Index of the first element of sorted `keys` that is greater than (or, with `inclusive`, equal to) `key`. */
function lowerBound(keys: readonly string[], key: string, inclusive: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const candidate = keys[middle] as string;
    if (candidate < key || (!inclusive && candidate === key)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A {@link Store} in process memory: fast, and gone when the process exits. The default for tests and for
 * `chat-cli serve --memory`. Keys are kept sorted so listing by cursor is a binary search, not a scan.
 */
export class MemoryStore implements Store {
  private readonly accounts = new Map<string, MemoryAccount>();
  private readonly sortedKeys: string[] = [];
  /** Every receipt in write order; with one dedupe window, that is also expiry order. */
  private expiries: ReceiptExpiry[] = [];
  private expiriesHead = 0;
  private closed = false;

  private check(): void {
    if (this.closed) throw new ChatError("UNAVAILABLE", "the store is closed");
  }

  async createAccount(account: AccountRecord): Promise<void> {
    this.check();
    if (this.accounts.has(account.key)) {
      throw new ChatError("ALREADY_EXISTS", `username ${account.username} is already taken`);
    }
    this.accounts.set(account.key, {
      record: { ...account },
      log: [],
      head: 0,
      lastSeq: 0,
      receipts: new Map(),
    });
    this.sortedKeys.splice(lowerBound(this.sortedKeys, account.key, true), 0, account.key);
  }

  async getAccount(key: string): Promise<AccountRecord | undefined> {
    this.check();
    return this.accounts.get(key)?.record;
  }

  async setPasswordHash(key: string, passwordHash: string): Promise<void> {
    this.check();
    const account = this.accounts.get(key);
    if (!account) throw new ChatError("NOT_FOUND", "no such account");
    account.record = { ...account.record, passwordHash };
  }

  async deleteAccount(key: string): Promise<boolean> {
    this.check();
    if (!this.accounts.delete(key)) return false;
    this.sortedKeys.splice(lowerBound(this.sortedKeys, key, true), 1);
    return true;
  }

  async listAccounts(range: AccountListRange): Promise<string[]> {
    this.check();
    const prefix = range.keyPrefix ?? "";
    let start = lowerBound(this.sortedKeys, prefix, true);
    if (range.afterKey !== undefined)
      start = Math.max(start, lowerBound(this.sortedKeys, range.afterKey, false));
    const names: string[] = [];
    for (let index = start; index < this.sortedKeys.length && names.length < range.limit; index++) {
      const key = this.sortedKeys[index] as string;
      if (!key.startsWith(prefix)) break;
      names.push((this.accounts.get(key) as MemoryAccount).record.username);
    }
    return names;
  }

  async appendMessage(
    recipientKey: string,
    message: NewMessage,
    limits?: AppendLimits,
  ): Promise<StoredMessage> {
    this.check();
    return this.append(recipientKey, message, limits);
  }

  async appendMessageOnce(
    recipientKey: string,
    message: NewMessage,
    dedupe: SendDedupe,
    limits?: AppendLimits,
  ): Promise<AppendOnceResult> {
    this.check();
    this.pruneReceipts(message.sentAt);
    const sender = this.accounts.get(dedupe.senderKey);
    const id = hexOf(dedupe.clientMessageId);
    const earlier = sender?.receipts.get(id);
    if (earlier !== undefined && earlier.expiresAt > message.sentAt) {
      const { expiresAt: _expiresAt, ...receipt } = earlier;
      return { repeated: true, receipt };
    }
    // Synchronous from here on: the append and the receipt happen in one step, or neither does.
    const stored = this.append(recipientKey, message, limits);
    if (sender !== undefined) {
      const receipt = recordedReceipt(recipientKey, stored, dedupe);
      sender.receipts.set(id, receipt);
      this.expiries.push({ account: sender, id, receipt });
    }
    return { repeated: false, message: stored };
  }

  /** Forgets receipts that expired at `now`, oldest first; a receipt replaced or deleted is skipped. */
  private pruneReceipts(now: number): void {
    while (this.expiriesHead < this.expiries.length) {
      const oldest = this.expiries[this.expiriesHead] as ReceiptExpiry;
      if (oldest.receipt.expiresAt > now) break;
      if (oldest.account.receipts.get(oldest.id) === oldest.receipt)
        oldest.account.receipts.delete(oldest.id);
      this.expiriesHead++;
    }
    if (this.expiriesHead >= COMPACT_AFTER && this.expiriesHead * 2 >= this.expiries.length) {
      this.expiries = this.expiries.slice(this.expiriesHead);
      this.expiriesHead = 0;
    }
  }

  private append(recipientKey: string, message: NewMessage, limits: AppendLimits | undefined): StoredMessage {
    const account = this.accounts.get(recipientKey);
    if (!account) throw new ChatError("NOT_FOUND", "no such account");
    const maxBacklog = limits?.maxBacklog;
    if (maxBacklog !== undefined && account.log.length - account.head >= maxBacklog) {
      throw new ChatError("RESOURCE_EXHAUSTED", "the recipient's mailbox is full");
    }
    account.lastSeq += 1;
    // Spelled out rather than spread: one plain object of a fixed shape per message, on the hot path.
    const stored: StoredMessage = {
      seq: account.lastSeq,
      from: message.from,
      content: message.content,
      sentAt: message.sentAt,
    };
    account.log.push(stored);
    return stored;
  }

  async readMessages(recipientKey: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    this.check();
    const account = this.accounts.get(recipientKey);
    if (!account) return [];
    const start = this.firstAfter(account, afterSeq);
    return account.log.slice(start, start + Math.max(0, Math.trunc(limit))) as StoredMessage[];
  }

  async ackMessages(recipientKey: string, upToSeq: number): Promise<number> {
    this.check();
    const account = this.accounts.get(recipientKey);
    if (!account) return 0;
    const newHead = this.firstAfter(account, upToSeq);
    const count = newHead - account.head;
    if (newHead === account.log.length) {
      // Everything is acknowledged (the usual state of a reader that keeps up): start a fresh log.
      account.log = [];
      account.head = 0;
      return count;
    }
    for (let index = account.head; index < newHead; index++) account.log[index] = undefined;
    account.head = newHead;
    // Dropping acknowledged messages one ack at a time would copy the whole log each time; in bulk, the
    // copying is amortized to O(1) per message.
    if (account.head >= COMPACT_AFTER && account.head * 2 >= account.log.length) {
      account.log.splice(0, account.head);
      account.head = 0;
    }
    return count;
  }

  /** Index in the log of the first unacknowledged message with a sequence number above `seq`. */
  private firstAfter(account: MemoryAccount, seq: number): number {
    let low = account.head;
    let high = account.log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((account.log[middle] as StoredMessage).seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** @inheritDoc */
  async countMessages(): Promise<number> {
    this.check();
    let count = 0;
    for (const account of this.accounts.values()) count += account.log.length - account.head;
    return count;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
