import {
  createTestCertificates,
  describeDeliveryUnderFaults,
  type TestCertificates,
} from "@chat/core/testing";
import { afterAll, beforeAll } from "vitest";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

/** Keepalive pings short enough that a stall past them is noticed by both ends within the run. */
const KEEPALIVE_TIME_MS = 100;
const KEEPALIVE_TIMEOUT_MS = 300;

// grpc-reconnect.test.ts's faulty-proxy runs over TLS: every new channel shakes hands again.
let certificates: TestCertificates;
beforeAll(async () => {
  certificates = await createTestCertificates();
});
afterAll(() => certificates.remove());

describeDeliveryUnderFaults({
  name: "gRPC over TLS",
  createServer: (service) =>
    new GrpcServer(service, {
      shutdownTimeoutMs: 1_000,
      // Not the default 60 s, as in grpc-reconnect.test.ts: a cut that swallows a Login's answer leaves a
      // session whose token the client never learnt, refusing its next login until the lease ends.
      sessionIdleTimeoutMs: 2_000,
      limits: { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS },
      tls: { cert: certificates.server.cert, key: certificates.server.key },
    }),
  makeClient: (port) =>
    new GrpcClient({
      host: "127.0.0.1",
      port,
      limits: { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS },
      // A channel of its own per client, so cutting one client's connection does not cut the other's.
      channelOptions: { "grpc.use_local_subchannel_pool": 1 },
      reconnect: { loggedInElsewhereGraceMs: 10_000 },
      tls: { ca: certificates.ca.cert },
    }),
});
