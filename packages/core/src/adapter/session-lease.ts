/**
 * Default session lease: how long a session survives with no live connection (an open wire socket, an
 * open gRPC `Subscribe` stream), no call in progress and no other sign of life. Short enough that a client
 * that crashed does not keep its account logged in (and so locked to one device) for long; long enough to
 * ride out a reconnect.
 */
export const DEFAULT_SESSION_LEASE_MS = 60_000;

/**
 * The one rule for how long a session without its client survives, the same on every transport: the lease
 * is held while something proves the client is there (a live connection or stream, a call in progress);
 * once nothing holds it, it expires after `leaseMs` without activity, and the transport ends the session
 * (unacknowledged messages stay stored).
 *
 * Calls only stamp a time and count; the one timer is re-armed lazily, so a busy session costs no timer
 * work per call.
 */
export class SessionLease {
  private holders = 0;
  private lastActiveAt = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    /** How long the lease lasts once nothing holds it. */
    readonly leaseMs: number,
    /** Called once when the lease runs out. */
    private readonly onExpired: () => void,
  ) {
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError("the session lease must be positive");
    this.arm(leaseMs);
  }

  /** Whether something holds the lease now. */
  get held(): boolean {
    return this.holders > 0;
  }

  /** A live connection, stream or call starts: the session cannot expire while it lasts. */
  hold(): void {
    this.holders++;
    this.lastActiveAt = performance.now();
  }

  /** What {@link hold} started is over: the lease runs again from now. */
  release(): void {
    this.holders--;
    this.lastActiveAt = performance.now();
    if (this.holders === 0) this.arm(this.leaseMs);
  }

  /** The session ended for another reason: the lease stops and never expires. Idempotent. */
  end(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    if (this.ended || this.timer !== undefined) return;
    this.timer = setTimeout(this.check, delayMs);
    // A session's lease must not keep the process alive on its own.
    this.timer.unref();
  }

  private readonly check = (): void => {
    this.timer = undefined;
    // Held: the next release arms the timer again.
    if (this.ended || this.holders > 0) return;
    const idleFor = performance.now() - this.lastActiveAt;
    if (idleFor < this.leaseMs) {
      this.arm(this.leaseMs - idleFor);
      return;
    }
    this.end();
    this.onExpired();
  };
}
