import { describeDeliveryUnderFaults } from "@chat/core/testing";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

/** Heartbeats short enough that a stall past them is noticed by both ends within the run. */
const HEARTBEAT_INTERVAL_MS = 100;
const HEARTBEAT_TIMEOUT_MS = 300;

describeDeliveryUnderFaults({
  name: "wire",
  createServer: (service) =>
    new WireServer(service, {
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
    }),
  makeClient: (port) =>
    new WireClient({
      host: "127.0.0.1",
      port,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      reconnect: { loggedInElsewhereGraceMs: 10_000 },
    }),
});
