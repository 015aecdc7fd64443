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
  async startServer(service) {
    const server = new GrpcServer(service, {
      shutdownTimeoutMs: 1_000,
      limits: { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS },
      tls: { cert: certificates.server.cert, key: certificates.server.key },
      // Not the default 60 s: a cut that loses a Login's reply leaves the server a session the client never
      // got a token for, which refuses the client's next login ("logged in elsewhere") until its lease
      // ends. The handshake moves more of the cuts into the login window than in plaintext, so with the
      // default lease the client gives up first (known gRPC weakness, independent of TLS; see issue 13,
      // item 8: a session that never subscribes).
      sessionIdleTimeoutMs: 2_000,
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    return { port, close: () => server.close() };
  },
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
