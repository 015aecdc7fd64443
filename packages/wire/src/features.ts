/** The extension protocol version this package speaks, sent in `hel` and `hey`. */
export const PROTOCOL_VERSION = 1;

/**
 * Feature bits of `hel` (asked for by the client) and `hey` (enabled by the server: the bits both sides
 * have). A feature's frames may only be sent once it is enabled.
 */
export const Feature = {
  /** `lsq` → `lsn`… `lse`: account lists as structured pages with a cursor. */
  listPages: 1 << 0,
  /** `out` → `ok`: log out without closing the connection. */
  logout: 1 << 1,
  /** `dlv` instead of `nms` (with sequence number and send time), and `ack` from the client. */
  sequencedDelivery: 1 << 2,
  /** `png`/`pog` in both directions; the server ends a connection that stays silent too long. */
  heartbeat: 1 << 3,
  /** `ok`, `lin`, `snt`, `erx` and `bye` instead of the seed's `suc`/`err` texts. */
  structuredReplies: 1 << 4,
  /** `mid`: a send carrying a client message id, which the server deduplicates (idempotent send). */
  idempotentSend: 1 << 5,
  /**
   * Compact framing: after `hel`/`hey`, every frame in both directions carries a length prefix and its
   * strings and numbers at their own size instead of fixed widths (compact-layout.ts).
   */
  compactFrames: 1 << 6,
} as const;

/** Every feature this package implements. */
export const ALL_FEATURES: number =
  Feature.listPages |
  Feature.logout |
  Feature.sequencedDelivery |
  Feature.heartbeat |
  Feature.structuredReplies |
  Feature.idempotentSend |
  Feature.compactFrames;

/** Whether the feature bit `feature` is set in `features`. */
export function hasFeature(features: number, feature: number): boolean {
  return (features & feature) === feature;
}
