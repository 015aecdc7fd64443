import { describeDeliveryUnderFaults } from "@chat/core/testing";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

/** Keepalive pings short enough that a stall past them is noticed by both ends within the run. */
const KEEPALIVE_TIME_MS = 100;
const KEEPALIVE_TIMEOUT_MS = 300;

describeDeliveryUnderFaults({
  name: "gRPC",
  createServer: (service) =>
    new GrpcServer(service, {
      shutdownTimeoutMs: 1_000,
      limits: { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS },
    }),
  makeClient: (port) =>
    new GrpcClient({
      host: "127.0.0.1",
      port,
      limits: { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS },
      // A channel of its own per client, so cutting one client's connection does not cut the other's.
      channelOptions: { "grpc.use_local_subchannel_pool": 1 },
      reconnect: { loggedInElsewhereGraceMs: 10_000 },
    }),
});
