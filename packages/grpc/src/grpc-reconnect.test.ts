import { describeDeliveryUnderFaults } from "@chat/core/testing";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

/** Keepalive pings short enough that a stall past them is noticed by both ends within the run. */
const KEEPALIVE_TIME_MS = 100;
const KEEPALIVE_TIMEOUT_MS = 300;
const KEEPALIVE = { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS };
/**
 * A login whose answer a cut swallowed leaves a session its client never learns the token of: the client
 * logs in again and is refused (logged in elsewhere) until the server lets that session go. The server's
 * lease is kept well inside the client's grace for that refusal, so the run never depends on the machine's
 * speed (with the 60 s default lease a slow run hit the 10 s grace).
 */
const SESSION_LEASE_MS = 2_000;
const LOGGED_IN_ELSEWHERE_GRACE_MS = 10_000;

describeDeliveryUnderFaults({
  name: "gRPC",
  createServer: (service, tls) =>
    new GrpcServer(service, {
      shutdownTimeoutMs: 1_000,
      sessionIdleTimeoutMs: SESSION_LEASE_MS,
      limits: KEEPALIVE,
      ...(tls ? { tls } : {}),
    }),
  makeClient: (port, tls) =>
    new GrpcClient({
      host: "127.0.0.1",
      port,
      limits: KEEPALIVE,
      // A channel of its own per client, so cutting one client's connection does not cut the other's.
      channelOptions: { "grpc.use_local_subchannel_pool": 1 },
      reconnect: { loggedInElsewhereGraceMs: LOGGED_IN_ELSEWHERE_GRACE_MS },
      ...(tls ? { tls } : {}),
    }),
});
