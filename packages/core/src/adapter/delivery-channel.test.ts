import { once } from "node:events";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatConnection } from "../chat-connection.js";
import type { ChatError } from "../chat-error.js";
import type { ChatService } from "../chat-service.js";
import type { IncomingMessage } from "../delivery.js";
import { MemoryStore } from "../memory-store.js";
import { silentLogger } from "../server-logger.js";
import { createTestService } from "../testing/harness.js";
import { DeliveryChannel } from "./delivery-channel.js";

const PASSWORD = "correct horse";
/** Written after each message so a few dozen messages fill the loopback socket's buffers. */
const PADDING = Buffer.alloc(64 * 1024);
const MESSAGES = 200;

interface Bed {
  readonly service: ChatService;
  readonly store: MemoryStore;
  readonly server: Server;
  /** The server side of the one accepted socket. */
  readonly serverSocket: Socket;
  /** The client side; paused, so it reads nothing until resumed. */
  readonly client: Socket;
  readonly bob: ChatConnection;
  readonly alice: ChatConnection;
}

let bed: Bed | undefined;

afterEach(async () => {
  if (!bed) return;
  bed.client.destroy();
  bed.serverSocket.destroy();
  await new Promise((resolve) => bed?.server.close(resolve));
  await bed.service.close();
  bed = undefined;
});

async function start(): Promise<Bed> {
  const store = new MemoryStore();
  const service = createTestService({ store });
  await service.register("alice", PASSWORD);
  await service.register("bob", PASSWORD);
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const client = tcpConnect(address.port, "127.0.0.1");
  client.pause();
  const [serverSocket] = await accepted;
  const bob = service.connect();
  await bob.login("bob", PASSWORD);
  const alice = service.connect();
  await alice.login("alice", PASSWORD);
  bed = { service, store, server, serverSocket, client, bob, alice };
  return bed;
}

/** Attaches a channel that writes each message (and padding) to the server socket. */
function attachChannel(
  target: Bed,
  options: { drainTimeoutMs?: number; onStalled?: () => void; onEnded?: (reason: ChatError) => void } = {},
) {
  const written: IncomingMessage[] = [];
  const channel = new DeliveryChannel({
    connection: target.bob,
    logger: silentLogger,
    onStalled: options.onStalled ?? (() => {}),
    onEnded: options.onEnded ?? (() => {}),
    ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
  });
  target.serverSocket.on("drain", () => channel.drained());
  target.bob.attach(
    channel.sink((message) => {
      written.push(message);
      target.serverSocket.write(`${message.seq}\n`);
      return target.serverSocket.write(PADDING);
    }),
  );
  return { channel, written };
}

async function sendMany(from: ChatConnection, count: number): Promise<void> {
  for (let index = 1; index <= count; index++) await from.send("bob", `message ${index}`);
}

describe("DeliveryChannel", () => {
  it("pauses core while the socket is full and resumes it once the client reads", async () => {
    const target = await start();
    const { channel, written } = attachChannel(target);
    await sendMany(target.alice, MESSAGES);
    await vi.waitFor(() => expect(channel.isBlocked).toBe(true));
    const whileBlocked = written.length;
    expect(whileBlocked).toBeLessThan(MESSAGES);
    // Core offers nothing more while paused.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written.length).toBe(whileBlocked);
    target.client.resume();
    await vi.waitFor(() => expect(written.length).toBe(MESSAGES), { timeout: 10_000 });
    expect(written.map((message) => message.seq)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
    expect(channel.isBlocked).toBe(false);
  });

  it("drops a consumer that never drains; its messages stay stored for the next attach", async () => {
    const target = await start();
    let stalled = 0;
    const { channel } = attachChannel(target, {
      drainTimeoutMs: 150,
      onStalled: () => {
        stalled++;
        target.serverSocket.destroy();
        target.bob.close();
      },
    });
    await sendMany(target.alice, MESSAGES);
    await vi.waitFor(() => expect(stalled).toBe(1), { timeout: 5_000 });
    expect(channel.isBlocked).toBe(false);
    const again = target.service.connect();
    await again.login("bob", PASSWORD);
    const received: number[] = [];
    again.attach({ deliver: (message) => received.push(message.seq) > 0 });
    await vi.waitFor(() => expect(received.length).toBe(MESSAGES));
    expect(received[0]).toBe(1);
  });

  it("lets writers waiting for a drain go on once the client reads, and stops the drain clock", async () => {
    const target = await start();
    let stalled = 0;
    const { channel } = attachChannel(target, { drainTimeoutMs: 150, onStalled: () => stalled++ });
    while (target.serverSocket.write(PADDING)) {}
    const drained = channel.whenDrained();
    expect(channel.isBlocked).toBe(true);
    target.client.resume();
    await drained;
    expect(channel.isBlocked).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(stalled).toBe(0);
  });

  it("passes core's own end of the session on (the service shuts down)", async () => {
    const target = await start();
    const reasons: ChatError[] = [];
    attachChannel(target, { onEnded: (reason) => reasons.push(reason) });
    await target.service.close();
    expect(reasons.map((reason) => reason.code)).toEqual(["UNAVAILABLE"]);
  });

  it("retires a sink when delivery is detached or the channel closes", async () => {
    const target = await start();
    const channel = new DeliveryChannel({
      connection: target.bob,
      logger: silentLogger,
      onStalled: () => {},
      onEnded: () => {},
    });
    const writes: number[] = [];
    const first = channel.sink((message) => writes.push(message.seq) > 0);
    const message: IncomingMessage = { seq: 1, from: "alice", content: "hi", sentAt: 0 };
    expect(first.deliver(message)).toBe(true);
    channel.detach();
    expect(first.deliver(message)).toBe(false);
    const second = channel.sink((next) => writes.push(next.seq) > 0);
    channel.close();
    expect(second.deliver(message)).toBe(false);
    expect(writes).toEqual([1]);
  });
});
