import { describe, expect, it } from "vitest";
import type { ChatClient } from "../chat-client.js";
import type { ChatService } from "../chat-service.js";
import type { TransportServer } from "../transport-descriptor.js";
import type { ClientTlsOptions, ServerTlsOptions } from "../transport-tls.js";
import { cleanupAfterEachTest } from "./cleanup-after-each-test.js";
import { runDeliveryUnderFaults } from "./delivery-under-faults.js";
import { type FaultMode, FaultProxy } from "./fault-proxy.js";
import { createTestService } from "./harness.js";
import { testCertificatesPerFile } from "./test-certificates-per-file.js";

/** Messages each faulty run sends at least. */
export const FAULTY_RUN_MESSAGES = 300;
/** Fewest faults a faulty run must have injected to count. */
export const FAULTY_RUN_MIN_FAULTS = 40;
/** Longest one faulty run may take, start to finish. */
const FAULTY_RUN_TEST_TIMEOUT_MS = 120_000;

/** How {@link describeDeliveryUnderFaults} reaches one transport. */
export interface FaultyRunTransport {
  /** Names the transport in the test titles and the printed figures. */
  readonly name: string;
  /**
   * A real server of the transport in front of `service`; the run listens with it on a free loopback port.
   * `tls` is set for the runs over TLS (it requires client certificates), `undefined` for the plaintext ones.
   */
  createServer(service: ChatService, tls: ServerTlsOptions | undefined): TransportServer;
  /**
   * A reconnecting client of the transport that connects to `port` (the proxy's); `tls` (with the client's
   * certificate) is set for the runs over TLS.
   */
  makeClient(port: number, tls: ClientTlsOptions | undefined): ChatClient;
}

/** The TLS of one side of a run: `undefined` for the plaintext runs. */
interface RunTls {
  readonly server: ServerTlsOptions;
  readonly client: ClientTlsOptions;
}

/**
 * The reconnect guarantee over one transport, written once: a sender and a receiver chat through a
 * {@link FaultProxy} that cuts (and, in a second run, stalls) every connection at random, and
 * {@link runDeliveryUnderFaults} checks every message reaches the receiving application exactly once, in
 * order, with nothing stored twice. The runs go over plaintext, then over mutual TLS, where the proxy cuts
 * and stalls TLS records mid-flight and every reconnect shakes hands again (the server checking the
 * client's certificate each time). Prints the faults injected and messages checked per run. Call it at the
 * top of a test file: it makes the file's test certificates.
 */
export function describeDeliveryUnderFaults(transport: FaultyRunTransport): void {
  const deferCleanup = cleanupAfterEachTest();
  const certificates = testCertificatesPerFile();
  const mutualTls = (): RunTls => {
    const { ca, server, client } = certificates();
    return {
      server: { cert: server.cert, key: server.key, ca: ca.cert },
      client: { ca: ca.cert, cert: client.cert, key: client.key },
    };
  };

  async function run(name: string, tls: RunTls | undefined, mode: FaultMode, seed: number) {
    const service = createTestService();
    const server = transport.createServer(service, tls?.server);
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    deferCleanup(async () => {
      await server.close();
      await service.close();
    });
    const proxy = await FaultProxy.start({
      targetPort: port,
      mode,
      seed,
      faultAfterMs: mode === "cut" ? { min: 20, max: 150 } : { min: 50, max: 250 },
    });
    deferCleanup(() => proxy.close());
    const report = await runDeliveryUnderFaults({
      service,
      proxy,
      messages: FAULTY_RUN_MESSAGES,
      minFaults: FAULTY_RUN_MIN_FAULTS,
      sender: "sender",
      receiver: "receiver",
      makeClient: () => transport.makeClient(proxy.port, tls?.client),
    });
    console.log(
      `${name} ${mode} run (seed ${seed}): ${report.cuts} cuts, ${report.stalls} stalls injected over ` +
        `${report.connections} connections, ${report.reconnects} reconnects, ${report.checked} messages checked`,
    );
    return report;
  }

  const variants = [
    { name: transport.name, tls: (): RunTls | undefined => undefined },
    { name: `${transport.name} over TLS`, tls: mutualTls },
  ];
  for (const { name, tls } of variants) {
    describe(`${name} client reconnecting through a faulty proxy`, () => {
      it(
        `hands ${FAULTY_RUN_MESSAGES}+ messages to the receiver exactly once, in order, while every connection is cut`,
        async () => {
          const report = await run(name, tls(), "cut", 12);
          expect(report.cuts).toBeGreaterThanOrEqual(FAULTY_RUN_MIN_FAULTS);
          expect(report.checked).toBeGreaterThanOrEqual(FAULTY_RUN_MESSAGES);
        },
        FAULTY_RUN_TEST_TIMEOUT_MS,
      );

      it(
        `hands ${FAULTY_RUN_MESSAGES}+ messages to the receiver exactly once, in order, while every connection stalls`,
        async () => {
          const report = await run(name, tls(), "stall", 34);
          expect(report.stalls).toBeGreaterThanOrEqual(FAULTY_RUN_MIN_FAULTS);
          expect(report.checked).toBeGreaterThanOrEqual(FAULTY_RUN_MESSAGES);
        },
        FAULTY_RUN_TEST_TIMEOUT_MS,
      );
    });
  }
}
