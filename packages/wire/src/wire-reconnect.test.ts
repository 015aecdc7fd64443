import {
  createTestCertificates,
  describeDeliveryUnderFaults,
  type TestCertificates,
} from "@chat/core/testing";
import { afterAll, beforeAll } from "vitest";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

/** Heartbeats short enough that a stall past them is noticed by both ends within the run. */
const HEARTBEAT_INTERVAL_MS = 100;
const HEARTBEAT_TIMEOUT_MS = 300;
const HEARTBEATS = { heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS };

let certificates: TestCertificates;
beforeAll(async () => {
  certificates = await createTestCertificates();
});
afterAll(() => certificates.remove());

/** The faulty-proxy runs over plaintext, then over TLS. */
function describeWireUnderFaults(overTls: boolean): void {
  describeDeliveryUnderFaults({
    name: overTls ? "wire over TLS" : "wire",
    createServer: (service) =>
      new WireServer(service, {
        ...HEARTBEATS,
        ...(overTls
          ? {
              tls: { cert: certificates.server.cert, key: certificates.server.key, ca: certificates.ca.cert },
            }
          : {}),
      }),
    makeClient: (port) =>
      new WireClient({
        host: "127.0.0.1",
        port,
        ...HEARTBEATS,
        reconnect: { loggedInElsewhereGraceMs: 10_000 },
        // Over TLS the proxy cuts and stalls TLS records mid-flight, and every reconnect shakes hands again
        // (with a client certificate, so the server checks it each time).
        ...(overTls
          ? {
              tls: { ca: certificates.ca.cert, cert: certificates.client.cert, key: certificates.client.key },
            }
          : {}),
      }),
  });
}

describeWireUnderFaults(false);
describeWireUnderFaults(true);
