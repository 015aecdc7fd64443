/** What the periodic sweep should do about a connection's heartbeat. */
export type HeartbeatDue = { readonly kind: "lost" } | { readonly kind: "ping"; readonly nonce: number };

/**
 * The server's side of the `png`/`pog` heartbeat of one connection (once negotiated): a client silent for
 * the interval is pinged, one silent for the timeout is lost. Any inbound byte counts as a sign of life, so
 * a busy client is never pinged.
 */
export class Heartbeat {
  private enabled = false;
  private lastPingAt = 0;
  private nonce = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {}

  /** Whether the heartbeat was negotiated. */
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** The client asked for the heartbeat in its hello. */
  enable(): void {
    this.enabled = true;
  }

  /** Checks the heartbeat at `now`, given when the client was last heard from. */
  due(now: number, lastInboundAt: number): HeartbeatDue | undefined {
    if (!this.enabled) return undefined;
    const silentFor = now - lastInboundAt;
    if (silentFor > this.timeoutMs) return { kind: "lost" };
    if (silentFor < this.intervalMs || now - this.lastPingAt < this.intervalMs) return undefined;
    this.lastPingAt = now;
    this.nonce = (this.nonce + 1) >>> 0;
    return { kind: "ping", nonce: this.nonce };
  }
}
