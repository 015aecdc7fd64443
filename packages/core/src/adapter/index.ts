/**
 * `@chat/core/adapter`: what a transport server needs from core besides `ChatService`, written once so
 * every transport behaves the same. See docs/architecture.md, "The adapter layer".
 */
export { AckCoalescer, type AckCoalescerOptions } from "./ack-coalescer.js";
export {
  type Admission,
  ConnectionLimiter,
  type ConnectionLimiterOptions,
  type ConnectionRefusal,
  type ConnectionSlot,
  connectionRefusalText,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
} from "./connection-limiter.js";
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DeliveryChannel,
  type DeliveryChannelOptions,
  type DeliveryWrite,
} from "./delivery-channel.js";
export { GracefulClose, type GracefulClosePlan } from "./graceful-close.js";
export { nodeClientTlsOptions, nodeServerTlsOptions } from "./node-tls-options.js";
export { reportFailure } from "./report-failure.js";
export { serverShuttingDown } from "./server-shutdown-reason.js";
export {
  DEFAULT_LEASE_RENEWAL_LIMIT_MS,
  DEFAULT_SESSION_LEASE_MS,
  SessionLease,
} from "./session-lease.js";
