import type {
  AccountListRange,
  AccountRecord,
  AppendLimits,
  AppendOnceResult,
  NewMessage,
  SendDedupe,
  Store,
  StoredMessage,
} from "@chat/core";

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

  createAccount(account: AccountRecord): Promise<void> {
    return this.inner.createAccount(account);
  }

  getAccount(key: string): Promise<AccountRecord | undefined> {
    return this.inner.getAccount(key);
  }

  setPasswordHash(key: string, passwordHash: string): Promise<void> {
    return this.inner.setPasswordHash(key, passwordHash);
  }

  deleteAccount(key: string): Promise<boolean> {
    return this.inner.deleteAccount(key);
  }

  listAccounts(range: AccountListRange): Promise<string[]> {
    return this.inner.listAccounts(range);
  }

  appendMessage(recipientKey: string, message: NewMessage, limits?: AppendLimits): Promise<StoredMessage> {
    return this.inner.appendMessage(recipientKey, message, limits);
  }

  appendMessageOnce(
    recipientKey: string,
    message: NewMessage,
    dedupe: SendDedupe,
    limits?: AppendLimits,
  ): Promise<AppendOnceResult> {
    return this.inner.appendMessageOnce(recipientKey, message, dedupe, limits);
  }

  ackMessages(recipientKey: string, upToSeq: number): Promise<number> {
    return this.inner.ackMessages(recipientKey, upToSeq);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
