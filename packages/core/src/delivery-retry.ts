/**
 * How delivery rides out a store whose reads fail for a while (a disk that filled up, an I/O error, a
 * Redis restarting): each failed read of a recipient's log is retried after a growing pause, and after
 * {@link DELIVERY_MAX_READ_FAILURES} failures in a row the session ends with `UNAVAILABLE`, so the client
 * reconnects (and logs in again) instead of waiting on a delivery that silently stopped. A successful
 * read starts the count again.
 */

/** Pause before the first retry of a failed delivery read. */
export const DELIVERY_RETRY_FIRST_DELAY_MS = 100;
/** Longest pause between two retries; the pause doubles up to it. */
export const DELIVERY_RETRY_MAX_DELAY_MS = 2_000;
/**
 * Failed delivery reads in a row after which the session ends with `UNAVAILABLE`. With the delays above
 * the store has about seven seconds (100 + 200 + 400 + 800 + 1,600 + 2,000 + 2,000 ms) to come back
 * first: a Redis restart fits, and it stays below a distributed session's lease (10 s by default), which
 * an outage that long would end anyway.
 */
export const DELIVERY_MAX_READ_FAILURES = 8;

/** The pause after the `failures`-th failed read in a row (1 for the first). */
export function deliveryRetryDelayMs(failures: number): number {
  const doublings = Math.max(0, failures - 1);
  return Math.min(DELIVERY_RETRY_MAX_DELAY_MS, DELIVERY_RETRY_FIRST_DELAY_MS * 2 ** doublings);
}
