/**
 * `@chat/wire`: the chat's struct wire protocol over TCP. The seed's fixed-layout frames (codes 0–8),
 * byte-exact, plus negotiated extensions (codes 9 and up), served by `WireServer` and spoken by
 * `WireClient` over `node:net`. See docs/wire-protocol.md.
 *
 * This root export is what an application needs. The codec (frames, layout constants, field readers and
 * writers, the stream reader) is `@chat/wire/codec`; test helpers (a raw frame client, fast-check
 * arbitraries) are `@chat/wire/testing`.
 */

export type { Framing } from "./compact-layout.js";
export { DEFAULT_SEED_ACK_HORIZON_BYTES } from "./seed-ack-horizon.js";
export { WireClient } from "./wire-client.js";
export {
  DEFAULT_CLIENT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_CLIENT_HEARTBEAT_TIMEOUT_MS,
  type WireClientOptions,
} from "./wire-client-options.js";
export { type WireAddress, type WireListenOptions, WireServer, type WireServerStats } from "./wire-server.js";
export {
  DEFAULT_FIRST_FRAME_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_WRITE_HIGH_WATER_MARK,
  MIN_WRITE_HIGH_WATER_MARK,
  type WireServerOptions,
} from "./wire-server-options.js";
export { DEFAULT_WIRE_PORT, wireTransport } from "./wire-transport.js";
