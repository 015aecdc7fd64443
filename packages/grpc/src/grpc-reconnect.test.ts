import { createTestService, type FaultMode, FaultProxy, runDeliveryUnderFaults } from "@chat/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

/** Messages per run. */
const MESSAGES = 300;
/** Fewest faults a run must have injected to count. */
const MIN_FAULTS = 40;
/** Keepalive pings short enough that a stall past them is noticed by both ends within the run. */
const KEEPALIVE_TIME_MS = 100;
const KEEPALIVE_TIMEOUT_MS = 300;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function run(mode: FaultMode, seed: number) {
  const service = createTestService();
  const server = new GrpcServer(service, {
    shutdownTimeoutMs: 1_000,
    limits: { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS },
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  cleanups.push(async () => {
    await server.close();
    await service.close();
  });
  const proxy = await FaultProxy.start({
    targetPort: port,
    mode,
    seed,
    faultAfterMs: mode === "cut" ? { min: 20, max: 150 } : { min: 50, max: 250 },
  });
  cleanups.push(() => proxy.close());
  const report = await runDeliveryUnderFaults({
    service,
    proxy,
    messages: MESSAGES,
    minFaults: MIN_FAULTS,
    sender: "sender",
    receiver: "receiver",
    makeClient: () =>
      new GrpcClient({
        host: "127.0.0.1",
        port: proxy.port,
        limits: { keepaliveTimeMs: KEEPALIVE_TIME_MS, keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS },
        // A channel of its own per client, so cutting one client's connection does not cut the other's.
        channelOptions: { "grpc.use_local_subchannel_pool": 1 },
        reconnect: { loggedInElsewhereGraceMs: 10_000 },
      }),
  });
  console.log(
    `gRPC ${mode} run (seed ${seed}): ${report.cuts} cuts, ${report.stalls} stalls injected over ` +
      `${report.connections} connections, ${report.reconnects} reconnects, ${report.checked} messages checked`,
  );
  return report;
}

describe("GrpcClient reconnecting through a faulty proxy", () => {
  it(`hands ${MESSAGES}+ messages to the receiver exactly once, in order, while every connection is cut`, async () => {
    const report = await run("cut", 12);
    expect(report.cuts).toBeGreaterThanOrEqual(MIN_FAULTS);
    expect(report.checked).toBeGreaterThanOrEqual(MESSAGES);
  }, 120_000);

  it(`hands ${MESSAGES}+ messages to the receiver exactly once, in order, while every connection stalls`, async () => {
    const report = await run("stall", 34);
    expect(report.stalls).toBeGreaterThanOrEqual(MIN_FAULTS);
    expect(report.checked).toBeGreaterThanOrEqual(MESSAGES);
  }, 120_000);
});
