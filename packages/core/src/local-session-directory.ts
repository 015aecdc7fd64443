import type { LeaseRenewal, SessionDirectory, SessionLease, StopWatching } from "./session-directory.js";
import { leaseLostError } from "./session-directory.js";
import type { Store, StoredMessage } from "./store.js";

const stopNothing: StopWatching = async () => {};

/**
 * The {@link SessionDirectory} of a single process: leases are entries in a map that never expire (the
 * process's sessions die with it), tokens a counter, and there are no other nodes to wake. This is what
 * `ChatService` uses unless given another, and behaves exactly as the service did before directories.
 */
export class LocalSessionDirectory implements SessionDirectory {
  readonly renewIntervalMs = undefined;
  readonly distributed = false;
  private readonly holders = new Map<string, number>();
  private lastToken = 0;

  constructor(private readonly store: Store) {}

  private holds(lease: SessionLease): boolean {
    return this.holders.get(lease.key) === lease.token;
  }

  async claim(key: string): Promise<SessionLease | undefined> {
    if (this.holders.has(key)) return undefined;
    this.lastToken += 1;
    this.holders.set(key, this.lastToken);
    return { key, token: this.lastToken, validUntil: Number.POSITIVE_INFINITY };
  }

  async renew(lease: SessionLease): Promise<LeaseRenewal> {
    return this.holds(lease) ? { held: true, lastSeq: 0 } : { held: false };
  }

  async release(lease: SessionLease): Promise<void> {
    if (this.holds(lease)) this.holders.delete(lease.key);
  }

  async setDelivering(): Promise<void> {}

  /** Not `async`: on the delivery path, the store's own promise is returned as it is. */
  readMessages(lease: SessionLease, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    if (!this.holds(lease)) return Promise.reject(leaseLostError());
    return this.store.readMessages(lease.key, afterSeq, limit);
  }

  ackMessages(lease: SessionLease, upToSeq: number): Promise<number> {
    if (!this.holds(lease)) return Promise.reject(leaseLostError());
    return this.store.ackMessages(lease.key, upToSeq);
  }

  async isDelivering(): Promise<boolean> {
    return false;
  }

  async announce(): Promise<boolean> {
    return false;
  }

  async watch(): Promise<StopWatching> {
    return stopNothing;
  }
}
