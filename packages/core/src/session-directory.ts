import { ChatError } from "./chat-error.js";
import type { StoredMessage } from "./store.js";

/**
 * A node's claim on the one live session of an account. Cluster-wide there is at most one unexpired lease
 * per account; its `token` (the fencing token) is strictly greater than the token of every earlier lease of
 * that account name, so the store can refuse an ack, a delivery read or a renewal from a node that still
 * believes in an older lease.
 */
export interface SessionLease {
  /** The account's case-folded key. */
  readonly key: string;
  /** The fencing token. */
  readonly token: number;
  /**
   * Until when (local clock, ms since the epoch) this node may act on the lease without asking the
   * directory: the start of the last successful renewal plus the lease's time to live, minus a safety
   * margin. `Infinity` for a directory whose leases cannot expire.
   */
  readonly validUntil: number;
}

/** What a renewal found. */
export type LeaseRenewal =
  /** Still held; `lastSeq` is the highest sequence number in the account's log (for the catch-up read). */
  | { readonly held: true; readonly lastSeq: number }
  /** Lost: it expired, was taken over, or the account was deleted. The session must end. */
  | { readonly held: false };

/** Stops the hints of one `watch`. */
export type StopWatching = () => Promise<void>;

/**
 * Where the sessions of a deployment live, shared by every node: the one-device rule, delivery fenced by
 * lease, and wake-ups across nodes. `ChatService` keeps the sessions of its own node in memory and asks the
 * directory for everything another node could contradict.
 *
 * The store stays the single source of truth for messages. A wake-up (`announce` → `watch`) is only a hint
 * carrying a position: a lost hint delays a delivery until the next renewal (which returns the log's last
 * position, the periodic catch-up read), but can never lose or reorder one.
 *
 * `LocalSessionDirectory` (the default) is one process's memory. `@chat/store-redis` provides one on Redis.
 */
export interface SessionDirectory {
  /**
   * How often `ChatService` renews each lease, in ms; also the bound on the delay a lost wake-up causes.
   * `undefined` when leases need no renewal (one process).
   */
  readonly renewIntervalMs: number | undefined;
  /** Whether other nodes may hold sessions: only then does a send with no local recipient `announce`. */
  readonly distributed: boolean;
  /** Claims the account's live session for this node; `undefined` when it is live anywhere already. */
  claim(key: string): Promise<SessionLease | undefined>;
  /** Extends the lease (and advances its `validUntil`) when it is still held. */
  renew(lease: SessionLease): Promise<LeaseRenewal>;
  /** Gives the lease up; nothing happens when it is no longer held. */
  release(lease: SessionLease): Promise<void>;
  /** Records whether the session has delivery attached, so senders on other nodes can say `live`. */
  setDelivering(lease: SessionLease, delivering: boolean): Promise<void>;
  /** `Store.readMessages` for the lease holder only; {@link leaseLostError} when the lease is not held. */
  readMessages(lease: SessionLease, afterSeq: number, limit: number): Promise<StoredMessage[]>;
  /** `Store.ackMessages` for the lease holder only; {@link leaseLostError} when the lease is not held. */
  ackMessages(lease: SessionLease, upToSeq: number): Promise<number>;
  /** Whether the account's session, wherever it is, has delivery attached (read before an idempotent send). */
  isDelivering(key: string): Promise<boolean>;
  /**
   * A message with sequence number `seq` was appended to the log of `key`: wakes the session wherever it is.
   * Resolves to whether that session is live (for the sender's `delivery`).
   */
  announce(key: string, seq: number): Promise<boolean>;
  /** Calls `onHint` with the position of each wake-up for `key` until the returned function is called. */
  watch(key: string, onHint: (seq: number) => void): Promise<StopWatching>;
}

/** Default time to live of a session lease on a distributed directory: the bound on a dead node's leases. */
export const DEFAULT_LEASE_TTL_MS = 10_000;
/** Default renewal interval: five renewals per lifetime, so a short outage does not end sessions. */
export const DEFAULT_LEASE_RENEW_INTERVAL_MS = 2000;
/**
 * A node stops acting on a lease this long before its directory would expire it, so a node whose clock
 * runs a little slow, or whose renewal stalls, stops delivering before another node may take over.
 */
export const LEASE_SAFETY_MARGIN_MS = 1000;

/** The error of an operation on a lease that is no longer held: the client must log in again. */
export function leaseLostError(): ChatError {
  return new ChatError(
    "UNAUTHENTICATED",
    "your session has ended (it expired or was taken over); log in again",
  );
}
