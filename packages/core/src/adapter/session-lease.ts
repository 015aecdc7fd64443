/**
 * Default session lease: how long a session survives with no live connection (an open wire socket, an
 * open gRPC `Subscribe` stream), no call in progress and no other sign of life. Short enough that a client
 * that crashed does not keep its account logged in (and so locked to one device) for long; long enough to
 * ride out a reconnect.
 */
export const DEFAULT_SESSION_LEASE_MS = 60_000;

/**
 * Default renewal limit: how long calls alone (requests with no live delivery path) can keep a lease
 * going, counted from the last time something held it (or from its start). A gRPC session that never
 * subscribes, kept alive by one unary call every 20 s, ends this long after its login instead of blocking
 * its account for ever; a wire connection that never logs in, kept alive by a 1-byte `acd` every 100 s,
 * ends this long after it opened.
 */
export const DEFAULT_LEASE_RENEWAL_LIMIT_MS = 5 * 60_000;

/**
 * The one rule for how long a session without its client survives, the same on every transport:
 *
 * - The lease is **held** while the client has a live path: a logged-in wire socket, an open gRPC
 *   `Subscribe`/`Chat` stream ({@link hold}/{@link release}). A held lease never runs out.
 * - A **call in progress** ({@link callStarted}/{@link callEnded}) keeps the lease from running out while
 *   it runs and **renews** it (the lease runs again from the call's end), but only up to `renewalLimitMs`
 *   after the last release of a holder (or the lease's start): calls alone cannot keep a session for ever.
 * - Nothing else renews it: a partial frame, a TCP keepalive or an HTTP/2 ping is no sign of a client.
 *
 * Once it runs out the transport ends the session (unacknowledged messages stay stored).
 *
 * Calls only stamp a time and count; the one timer is re-armed lazily, so a busy session costs no timer
 * work per call.
 */
export class SessionLease {
  private holders = 0;
  private calls = 0;
  private lastActiveAt = performance.now();
  /** When the last holder let go (or the lease started): calls renew it up to the renewal limit from here. */
  private unheldSince = this.lastActiveAt;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    /** How long the lease lasts once nothing holds it. */
    readonly leaseMs: number,
    /** Called once when the lease runs out. */
    private readonly onExpired: () => void,
    /** How long calls alone may renew it. Default {@link DEFAULT_LEASE_RENEWAL_LIMIT_MS}. */
    readonly renewalLimitMs: number = DEFAULT_LEASE_RENEWAL_LIMIT_MS,
  ) {
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError("the session lease must be positive");
    if (!Number.isFinite(renewalLimitMs) || renewalLimitMs <= 0) {
      throw new RangeError("the lease renewal limit must be positive");
    }
    this.arm(this.remaining(this.lastActiveAt));
  }

  /** Whether a live path holds the lease now. */
  get held(): boolean {
    return this.holders > 0;
  }

  /** A live path (a logged-in socket, a delivery stream) opens: the session cannot expire while it lasts. */
  hold(): void {
    this.holders++;
    this.lastActiveAt = performance.now();
  }

  /** What {@link hold} started is over: the lease, and the window calls may renew it in, run from now. */
  release(): void {
    this.holders--;
    this.lastActiveAt = performance.now();
    this.unheldSince = this.lastActiveAt;
    this.armIfFree();
  }

  /** A call starts: the session cannot expire while it runs. */
  callStarted(): void {
    this.calls++;
  }

  /** A call ended: the lease runs again from now, but never past the renewal limit. */
  callEnded(): void {
    this.calls--;
    // While held, the time is never read: `release` stamps it when the holder lets go. Skipping the clock
    // here saves the logged-in wire connection one `performance.now()` each time its request queue runs
    // empty: once per round trip of the bench's paddle (`callEnded` took 0.2 µs of the server's ~7 µs of
    // JavaScript per round trip in a `node --cpu-prof` profile; docs/benchmarks.md).
    if (this.holders > 0) return;
    this.lastActiveAt = performance.now();
    this.armIfFree();
  }

  /** The session ended for another reason: the lease stops and never expires. Idempotent. */
  end(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Milliseconds left at `now` once nothing holds the lease. */
  private remaining(now: number): number {
    const leaseEnd = this.lastActiveAt + this.leaseMs;
    const renewalEnd = this.unheldSince + this.renewalLimitMs;
    return Math.min(leaseEnd, renewalEnd) - now;
  }

  private armIfFree(): void {
    if (this.holders > 0 || this.calls > 0) return;
    const left = this.remaining(performance.now());
    // A call that ran past the renewal limit: the lease runs out as soon as it is over.
    if (left <= 0) this.arm(0);
    else this.arm(left);
  }

  private arm(delayMs: number): void {
    if (this.ended || this.timer !== undefined) return;
    this.timer = setTimeout(this.check, Math.max(0, delayMs));
    // A session's lease must not keep the process alive on its own.
    this.timer.unref();
  }

  private readonly check = (): void => {
    this.timer = undefined;
    // Held or busy: the next release or call end arms the timer again.
    if (this.ended || this.holders > 0 || this.calls > 0) return;
    const left = this.remaining(performance.now());
    if (left > 0) {
      this.arm(left);
      return;
    }
    this.end();
    this.onExpired();
  };
}
