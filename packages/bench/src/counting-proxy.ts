import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import type { DirectionBytes } from "./bench-results.js";
import type { MeterTotals, StreamMeter } from "./stream-meter.js";

/** Both directions of a proxy at one moment. */
export interface ProxySnapshot {
  readonly clientToServer: MeterTotals;
  readonly serverToClient: MeterTotals;
  /** When a byte last crossed, on the monotonic clock (ms). */
  readonly lastActivity: number;
}

/**
 * A TCP proxy on 127.0.0.1 between one client and the server, counting at the socket every byte that
 * crosses in each direction and handing it to a protocol meter. One proxy serves one client, so whatever
 * it counts belongs to that client's connection(s) alone.
 */
export class CountingProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private up: StreamMeter[] = [];
  private down: StreamMeter[] = [];
  private lastActivity = performance.now();

  /**
   * @param targetPort the server's port on 127.0.0.1
   * @param meters makes the meters of a new connection (client→server, server→client)
   */
  constructor(
    private readonly targetPort: number,
    private readonly meters: () => { up: StreamMeter; down: StreamMeter },
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  private accept(client: Socket): void {
    const { up, down } = this.meters();
    this.up.push(up);
    this.down.push(down);
    client.setNoDelay(true);
    client.pause();
    const upstream = netConnect({ host: "127.0.0.1", port: this.targetPort }, () => client.resume());
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      this.lastActivity = performance.now();
      up.feed(chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      this.lastActivity = performance.now();
      down.feed(chunk);
      client.write(chunk);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
  }

  /** Starts listening on a free loopback port; resolves with it. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen({ host: "127.0.0.1", port: 0 }, () => {
        const address = this.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : 0);
      });
    });
  }

  /** Totals over every connection so far. */
  snapshot(): ProxySnapshot {
    return {
      clientToServer: sumTotals(this.up.map((meter) => meter.totals())),
      serverToClient: sumTotals(this.down.map((meter) => meter.totals())),
      lastActivity: this.lastActivity,
    };
  }

  /** Resolves once nothing has crossed for `quietMs` (bounded by `maxMs`): the operation's echoes are in. */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline) {
      const idle = performance.now() - this.lastActivity;
      if (idle >= quietMs) return;
      await new Promise((resolve) => setTimeout(resolve, quietMs - idle + 1));
    }
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function sumTotals(list: readonly MeterTotals[]): MeterTotals {
  return {
    socketBytes: list.reduce((sum, totals) => sum + totals.socketBytes, 0),
    messageBytes: list.reduce((sum, totals) => sum + totals.messageBytes, 0),
    messages: list.flatMap((totals) => totals.messages),
  };
}

/** What crossed in one direction between two snapshots. */
export function difference(before: MeterTotals, after: MeterTotals): DirectionBytes {
  return {
    socketBytes: after.socketBytes - before.socketBytes,
    messageBytes: after.messageBytes - before.messageBytes,
    messages: after.messages.slice(before.messages.length),
  };
}
