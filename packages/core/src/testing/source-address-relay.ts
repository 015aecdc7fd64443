import { connect as connectSocket, createServer, type Server, type Socket } from "node:net";
import type { ChatClient } from "../chat-client.js";
import type { ConformanceServer } from "./harness.js";
import { listenOnLoopback } from "./listen-on-loopback.js";

/** Options of a {@link SourceAddressRelay}. Loopback only. */
export interface SourceAddressRelayOptions {
  /** The real server's port on 127.0.0.1. */
  readonly targetPort: number;
  /**
   * The loopback address (127.0.0.0/8) the relay's connections to the server come from, so the server sees
   * every client of this relay as that one source address, as it would see the clients behind one NAT.
   */
  readonly sourceAddress: string;
}

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * A TCP relay for tests of per-address limits: clients connect to it on 127.0.0.1, and it opens each of
 * their connections to the real server from `sourceAddress` (Linux answers every address of 127.0.0.0/8
 * on the loopback interface), forwarding bytes both ways untouched. Works for any protocol over TCP, so
 * clients that cannot pick their own source address (grpc-js) get one.
 */
export class SourceAddressRelay {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The port clients connect to, on 127.0.0.1. */
    readonly port: number,
  ) {}

  /** Starts a relay on a free loopback port. */
  static async start(options: SourceAddressRelayOptions): Promise<SourceAddressRelay> {
    if (!LOOPBACK.test(options.sourceAddress)) {
      throw new RangeError(`a relay's source address must be in 127.0.0.0/8 (got ${options.sourceAddress})`);
    }
    const server = createServer();
    const port = await listenOnLoopback(server);
    const relay = new SourceAddressRelay(server, port);
    server.on("connection", (client) => relay.accept(client, options));
    return relay;
  }

  private accept(client: Socket, options: SourceAddressRelayOptions): void {
    const upstream = connectSocket({
      host: "127.0.0.1",
      port: options.targetPort,
      localAddress: options.sourceAddress,
      noDelay: true,
    });
    client.setNoDelay(true);
    this.sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
  }

  /** Stops listening and cuts whatever is still connected. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * One relay per source address, made on first use, all to the same server: what a transport's
 * conformance harness uses for `connectFrom`.
 */
export class SourceAddressRelays {
  private readonly relays = new Map<string, Promise<SourceAddressRelay>>();

  constructor(private readonly targetPort: number) {}

  /**
   * The conformance server of a transport whose server listens on `port` of 127.0.0.1: `connect` opens a
   * client straight to it, `connectFrom` one through the relay of its source address, and `stop` closes
   * the server, then the relays. `open` makes a connected client to a given port.
   */
  static conformanceServer(
    port: number,
    open: (port: number) => Promise<ChatClient>,
    closeServer: () => Promise<void>,
  ): ConformanceServer {
    const relays = new SourceAddressRelays(port);
    return {
      connect: () => open(port),
      connectFrom: async (sourceAddress) => open(await relays.portFor(sourceAddress)),
      stop: async () => {
        await closeServer();
        await relays.close();
      },
    };
  }

  /** The port on 127.0.0.1 whose connections reach the server from `sourceAddress`. */
  async portFor(sourceAddress: string): Promise<number> {
    let relay = this.relays.get(sourceAddress);
    if (relay === undefined) {
      relay = SourceAddressRelay.start({ targetPort: this.targetPort, sourceAddress });
      this.relays.set(sourceAddress, relay);
    }
    return (await relay).port;
  }

  /** Closes every relay. */
  async close(): Promise<void> {
    const relays = [...this.relays.values()];
    this.relays.clear();
    await Promise.allSettled(relays.map(async (relay) => (await relay).close()));
  }
}
