import type { ChatService } from "@chat/core";
import { MemoryStore, UNLIMITED_RATE } from "@chat/core";
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from "@chat/core/adapter";
import { cleanupAfterEachTest, createTestService, PASSWORD } from "@chat/core/testing";
import { describe, expect, it, vi } from "vitest";
import { encodeFrame } from "./frame-encoder.js";
import { RawClient } from "./testing/raw-client.js";
import { WireServer } from "./wire-server.js";
import type { WireServerOptions } from "./wire-server-options.js";

/*
 * The connection-exhaustion and unread-output attacks of issue 13 (items 5 and 6), each against a real
 * server over real sockets. Distinct loopback source addresses (127.0.0.x) stand for distinct hosts.
 */

const deferCleanup = cleanupAfterEachTest();

interface Bed {
  readonly service: ChatService;
  readonly server: WireServer;
  raw(from?: string): Promise<RawClient>;
}

async function start(options: WireServerOptions = {}, service = createTestService()): Promise<Bed> {
  const server = new WireServer(service, { shutdownTimeoutMs: 500, ...options });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  deferCleanup(async () => {
    await server.close();
    await service.close();
  });
  return {
    service,
    server,
    async raw(from) {
      const client = await RawClient.open(port, from);
      deferCleanup(() => client.destroy());
      return client;
    },
  };
}

/**
 * A service whose store holds `count` accounts, so one `acd` answers 10 000 names (about 122 kB). The
 * listing rate and scan limits would refuse most of the flood's `acd`; these tests are about what the
 * answers that do run cost, so they raise those limits, and only those.
 */
async function crowdedService(count: number): Promise<ChatService> {
  const store = new MemoryStore();
  for (let index = 0; index < count; index++) {
    const username = `user${String(index).padStart(6, "0")}`;
    await store.createAccount({ username, key: username, passwordHash: "unused", createdAt: 0 });
  }
  return createTestService({
    store,
    limits: {
      listingsPerConnection: UNLIMITED_RATE,
      listingsPerAddress: UNLIMITED_RATE,
      namesScannedPerAddress: UNLIMITED_RATE,
      maxNamesScannedPerRequest: Number.POSITIVE_INFINITY,
    },
  });
}

const ACD = encodeFrame({ type: "acd" });
/** Non-reading flooders of the output-bound test, each from its own address. */
const FLOODERS = 20;

describe("WireServer connection caps", () => {
  it("refuses the 17th connection from one address while another address still gets in", async () => {
    const bed = await start();
    const crowd: RawClient[] = [];
    for (let index = 0; index < DEFAULT_MAX_CONNECTIONS_PER_ADDRESS; index++)
      crowd.push(await bed.raw("127.0.0.2"));
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS));

    const oneTooMany = await bed.raw("127.0.0.2");
    await oneTooMany.waitClosed();
    expect(oneTooMany.received).toEqual([
      {
        type: "err",
        text: "RESOURCE_EXHAUSTED: too many connections from your address; close one and try again",
      },
    ]);
    expect(bed.server.stats().refusedConnections).toBe(1);

    const neighbour = await bed.raw("127.0.0.3");
    neighbour.send({ type: "acd" });
    expect((await neighbour.next()).type).toBe("suc");

    // A slot given back is free again for the same address.
    crowd[0]?.destroy();
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS));
    const again = await bed.raw("127.0.0.2");
    again.send({ type: "acd" });
    expect((await again.next()).type).toBe("suc");
  });

  it("takes its per-address cap from the options", async () => {
    const bed = await start({ maxConnectionsPerAddress: 2 });
    await bed.raw("127.0.0.4");
    await bed.raw("127.0.0.4");
    const third = await bed.raw("127.0.0.4");
    await third.waitClosed();
    expect(third.received[0]?.type).toBe("err");
  });
});

describe("WireServer first-frame deadline", () => {
  it("closes a connection that sends nothing, but keeps one that spoke", async () => {
    const bed = await start({ firstFrameTimeoutMs: 300 });
    const silent = await bed.raw("127.0.0.5");
    const talker = await bed.raw("127.0.0.5");
    talker.send({ type: "acd" });
    await talker.next();
    await silent.waitClosed(5_000);
    expect(silent.received).toEqual([
      { type: "err", text: "UNAVAILABLE: no complete frame within 300 ms of connecting" },
    ]);
    expect(bed.server.stats().silentConnectionsClosed).toBe(1);
    // The talker's slot was not touched by the deadline.
    talker.send({ type: "acd" });
    expect((await talker.next()).type).toBe("suc");
  });

  it("does not count the bytes of a frame left unfinished as a first frame", async () => {
    // The half-sent frame timeout is far away: only the first-frame deadline can close this one.
    const bed = await start({ firstFrameTimeoutMs: 300, partialFrameTimeoutMs: 60_000 });
    const dripper = await bed.raw("127.0.0.6");
    const frame = encodeFrame({ type: "reg", username: "drip", password: PASSWORD });
    let sent = 0;
    const drip = setInterval(() => dripper.sendBytes(frame.subarray(sent, ++sent)), 20);
    deferCleanup(() => clearInterval(drip));
    await dripper.waitClosed(5_000);
    clearInterval(drip);
    expect(sent).toBeLessThan(frame.length);
    expect(dripper.received).toEqual([
      { type: "err", text: "UNAVAILABLE: no complete frame within 300 ms of connecting" },
    ]);
  });
});

describe("WireServer pre-login lease", () => {
  it("closes a connection that never logs in, however often it sends a 1-byte acd", async () => {
    // The idle timeout is ten acd intervals, so a loaded machine's late timers cannot let it run out
    // between two acds (at 300 ms, one CI run saw the connection closed after 314 ms).
    const bed = await start({ idleTimeoutMs: 1_000, leaseRenewalLimitMs: 3_000 });
    const trickler = await bed.raw("127.0.0.7");
    let answered = 0;
    // One acd every tenth of the idle timeout: each one would renew the idle timeout for ever.
    const trickle = setInterval(() => trickler.sendBytes(ACD), 100);
    deferCleanup(() => clearInterval(trickle));
    const openedAt = performance.now();
    await trickler.waitClosed(10_000);
    clearInterval(trickle);
    answered = trickler.received.filter((frame) => frame.type === "suc").length;
    // It lived past two idle timeouts (the acds did renew it), and the renewal limit ended it.
    expect(performance.now() - openedAt).toBeGreaterThan(2_000);
    expect(answered).toBeGreaterThan(3);
    expect(trickler.received.at(-1)).toEqual({
      type: "err",
      text: "UNAVAILABLE: closed after a long time without a login or a request",
    });
  });

  it("never closes a logged-in connection for its age", async () => {
    const bed = await start({ idleTimeoutMs: 200, leaseRenewalLimitMs: 300 });
    const user = await bed.raw("127.0.0.8");
    user.send(
      { type: "reg", username: "user", password: PASSWORD },
      { type: "log", username: "user", password: PASSWORD },
    );
    await user.take(2);
    await new Promise((resolve) => setTimeout(resolve, 800));
    user.send({ type: "acd" });
    expect(await user.next()).toEqual({ type: "suc", text: "accounts [1/1]: user" });
  });
});

describe("WireServer output bound", () => {
  it("drops a connection whose unread answers stay over the bound, even with no request waiting", async () => {
    const service = await crowdedService(10_000);
    // The idle timeout is far away: only the output bound can drop this connection.
    const highWaterMark = 128 * 1024;
    const bed = await start(
      { drainTimeoutMs: 1_000, idleTimeoutMs: 60_000, writeHighWaterMark: highWaterMark },
      service,
    );
    const reader = await bed.raw("127.0.0.9");
    const hoarder = await bed.raw("127.0.0.10");
    hoarder.socket.pause(); // never reads
    // One acd at a time, each once the last one's answer is out, until its answers have backed up past the
    // kernel's buffers and over the bound in the server's; then it sends nothing more, so no request of
    // its waits for room and only the answers themselves can start the drain clock.
    let sent = 0;
    while (bed.server.stats().largestBufferedBytes <= highWaterMark && sent < 500) {
      const before = bed.server.stats().largestBufferedBytes;
      hoarder.sendBytes(ACD);
      sent++;
      await vi
        .waitFor(() => expect(bed.server.stats().largestBufferedBytes).not.toBe(before), {
          timeout: 100,
          interval: 5,
        })
        .catch(() => {});
    }
    expect(bed.server.stats().largestBufferedBytes).toBeGreaterThan(highWaterMark);
    // A paused socket never reports its close; the server's own count tells.
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(1), { timeout: 10_000 });
    expect(bed.server.stats().stalledConnectionsDropped).toBe(1);
    // Others are served meanwhile and after.
    reader.send({ type: "acd" });
    expect((await reader.next()).type).toBe("suc");
  });

  it("keeps 20 connections that each send 64 acd and never read within the bound, and drops them", async () => {
    const service = await crowdedService(10_000);
    const highWaterMark = 128 * 1024;
    const bed = await start({ drainTimeoutMs: 1_000, writeHighWaterMark: highWaterMark }, service);
    const flooders: RawClient[] = [];
    let largest = 0;
    let total = 0;
    const sampler = setInterval(() => {
      const stats = bed.server.stats();
      largest = Math.max(largest, stats.largestBufferedBytes);
      total = Math.max(total, stats.bufferedBytes);
    }, 5);
    deferCleanup(() => clearInterval(sampler));
    const floodFrames = Buffer.concat(Array.from({ length: 64 }, () => ACD));
    for (let index = 0; index < FLOODERS; index++) {
      const flooder = await bed.raw(`127.0.1.${index + 1}`);
      flooder.socket.pause();
      flooder.sendBytes(floodFrames);
      flooders.push(flooder);
    }
    // Paused sockets never report their close; the server's own counts tell.
    await vi.waitFor(() => expect(bed.server.stats().connections).toBe(0), { timeout: 60_000, interval: 50 });
    clearInterval(sampler);
    // One answer is about 122 kB; a connection holds at most the bound, one staging batch and one answer.
    const oneAnswer = 130 * 1024;
    expect(largest).toBeLessThanOrEqual(highWaterMark + 64 * 1024 + oneAnswer);
    expect(total).toBeLessThanOrEqual(FLOODERS * (highWaterMark + 64 * 1024 + oneAnswer));
    expect(bed.server.stats().stalledConnectionsDropped).toBe(FLOODERS);
    expect(bed.server.stats().connections).toBe(0);
  }, 90_000);
});
