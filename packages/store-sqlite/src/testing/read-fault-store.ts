import type { Store, StoredMessage } from "@chat/core";

/** A run of failing reads: after `after` more successful reads of `recipientKey`, the next `count` fail. */
export interface ReadFault {
  readonly recipientKey: string;
  readonly after: number;
  readonly count: number;
  /** What each failing read rejects with (a store's own error type: `ChatError`). */
  readonly error: () => Error;
}

/**
 * Fault injection for tests: a real store whose `readMessages` fails for a while on demand, as a disk
 * that filled up or a Redis that went away would make it. Everything else, reads before and after the
 * fault included, is the real store's own answer; only the chosen reads are replaced by an error.
 */
export class ReadFaultStore implements Store {
  private fault: { recipientKey: string; after: number; left: number; error: () => Error } | undefined;
  /** Reads that failed because of the fault so far. */
  failedReads = 0;

  constructor(private readonly inner: Store) {}

  /** Arms a fault; replaces one armed before. */
  failReads(fault: ReadFault): void {
    this.fault = {
      recipientKey: fault.recipientKey,
      after: fault.after,
      left: fault.count,
      error: fault.error,
    };
  }

  readMessages(recipientKey: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    const fault = this.fault;
    if (fault !== undefined && fault.recipientKey === recipientKey && fault.left > 0) {
      if (fault.after > 0) fault.after--;
      else {
        fault.left--;
        this.failedReads++;
        return Promise.reject(fault.error());
      }
    }
    return this.inner.readMessages(recipientKey, afterSeq, limit);
  }

  // Everything but reads goes straight to the real store; typed by `Store` itself, so the signatures are
  // written once, in core.
  readonly createAccount: Store["createAccount"] = (account) => this.inner.createAccount(account);
  readonly getAccount: Store["getAccount"] = (key) => this.inner.getAccount(key);
  readonly setPasswordHash: Store["setPasswordHash"] = (key, hash) => this.inner.setPasswordHash(key, hash);
  readonly deleteAccount: Store["deleteAccount"] = (key) => this.inner.deleteAccount(key);
  readonly listAccounts: Store["listAccounts"] = (range) => this.inner.listAccounts(range);
  readonly appendMessage: Store["appendMessage"] = (recipientKey, message, limits) =>
    this.inner.appendMessage(recipientKey, message, limits);
  readonly appendMessageOnce: Store["appendMessageOnce"] = (recipientKey, message, dedupe, limits) =>
    this.inner.appendMessageOnce(recipientKey, message, dedupe, limits);
  readonly ackMessages: Store["ackMessages"] = (recipientKey, upToSeq) =>
    this.inner.ackMessages(recipientKey, upToSeq);
  readonly close: Store["close"] = () => this.inner.close();
}
