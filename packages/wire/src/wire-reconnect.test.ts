import { describeDeliveryUnderFaults } from "@chat/core/testing";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

/** Heartbeats short enough that a stall past them is noticed by both ends within the run. */
const HEARTBEAT_INTERVAL_MS = 100;
const HEARTBEAT_TIMEOUT_MS = 300;
const HEARTBEATS = { heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS };

describeDeliveryUnderFaults({
  name: "wire",
  createServer: (service, tls) => new WireServer(service, { ...HEARTBEATS, ...(tls ? { tls } : {}) }),
  makeClient: (port, tls) =>
    new WireClient({
      host: "127.0.0.1",
      port,
      ...HEARTBEATS,
      reconnect: { loggedInElsewhereGraceMs: 10_000 },
      ...(tls ? { tls } : {}),
    }),
});
