import { connect as connectSocket, createServer, type Server, type Socket } from "node:net";
import { listenOnLoopback } from "./listen-on-loopback.js";

/**
 * What a {@link FaultProxy} does to each connection at random moments: `cut` destroys both sides (as a
 * lost route or a crashed middlebox would); `stall` stops forwarding in both directions for a while and
 * then goes on (as a congested or flapping link would), so the ends see silence, not a close.
 */
export type FaultMode = "cut" | "stall";

/** A range of milliseconds a {@link FaultProxy} picks uniformly from. */
export interface MillisecondRange {
  readonly min: number;
  readonly max: number;
}

/** Options of a {@link FaultProxy}. Loopback only: it listens on and connects to 127.0.0.1. */
export interface FaultProxyOptions {
  /** The real server's port on 127.0.0.1. */
  readonly targetPort: number;
  readonly mode: FaultMode;
  /** How long each connection (or, after a stall, each stretch of it) lives before its next fault. */
  readonly faultAfterMs: MillisecondRange;
  /** How long a stall lasts (`stall` mode). */
  readonly stallMs?: MillisecondRange;
  /** Seed of the proxy's pseudo-random choices, so a failing run can be replayed. */
  readonly seed: number;
}

/** Default stall length: from shorter than the tests' heartbeat timeouts to well past them. */
const DEFAULT_STALL_MS: MillisecondRange = { min: 50, max: 600 };

/** mulberry32: a small seeded generator, good enough to spread faults; not for anything secret. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One proxied connection: the client's socket, the server's, and the timer of its next fault. */
interface Link {
  readonly client: Socket;
  readonly server: Socket;
  timer: ReturnType<typeof setTimeout> | undefined;
  stalled: boolean;
}

/**
 * An in-process TCP proxy for tests, between clients and a real server on loopback, that injects faults
 * into every connection it carries: it cuts them, or stalls them, at random moments. It counts what it
 * injected, so a test can show how hard it was pushed. Faults can be switched off to let a run settle.
 */
export class FaultProxy {
  /** Connections cut so far. */
  cuts = 0;
  /** Stalls injected so far. */
  stalls = 0;
  /** Connections accepted so far. */
  connections = 0;
  private faulting = true;
  private refusing = false;
  private readonly links = new Set<Link>();
  private readonly random: () => number;

  private constructor(
    private readonly server: Server,
    private readonly options: FaultProxyOptions,
    /** The port clients connect to, on 127.0.0.1. */
    readonly port: number,
  ) {
    this.random = seededRandom(options.seed);
  }

  /** Starts a proxy on a free loopback port. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer();
    const port = await listenOnLoopback(server);
    const proxy = new FaultProxy(server, options, port);
    server.on("connection", (client) => proxy.accept(client));
    return proxy;
  }

  /**
   * Starts a proxy that injects no fault of its own: the test makes its outages when it chooses, with
   * {@link cutAll} and {@link setRefusing}.
   */
  static async startQuiet(targetPort: number): Promise<FaultProxy> {
    const proxy = await FaultProxy.start({
      targetPort,
      mode: "cut",
      seed: 1,
      faultAfterMs: { min: 0, max: 0 },
    });
    proxy.setFaulting(false);
    return proxy;
  }

  /** Turns fault injection on or off; off also ends every stall under way. */
  setFaulting(on: boolean): void {
    this.faulting = on;
    for (const link of this.links) {
      if (on) this.schedule(link);
      else {
        clearTimeout(link.timer);
        link.timer = undefined;
        if (link.stalled) this.unstall(link);
      }
    }
  }

  /** Cuts every connection now (counted as cuts): a test's own, well-timed outage. */
  cutAll(): void {
    for (const link of [...this.links]) {
      this.cuts++;
      this.drop(link);
    }
  }

  /** While on, every new connection is cut as soon as it arrives: the server looks unreachable. */
  setRefusing(on: boolean): void {
    this.refusing = on;
  }

  /** Stops listening and cuts whatever is still connected. */
  async close(): Promise<void> {
    this.faulting = false;
    for (const link of this.links) this.drop(link);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pick(range: MillisecondRange): number {
    return range.min + Math.floor(this.random() * (range.max - range.min + 1));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    this.connections++;
    client.setNoDelay(true);
    const server = connectSocket({ host: "127.0.0.1", port: this.options.targetPort, noDelay: true });
    const link: Link = { client, server, timer: undefined, stalled: false };
    this.links.add(link);
    // Forwarded by hand rather than piped, so a stall can hold both directions exactly where they are.
    client.on("data", (chunk) => {
      if (!server.write(chunk)) client.pause();
    });
    server.on("data", (chunk) => {
      if (!client.write(chunk)) server.pause();
    });
    client.on("drain", () => {
      if (!link.stalled) server.resume();
    });
    server.on("drain", () => {
      if (!link.stalled) client.resume();
    });
    const end = () => this.drop(link);
    for (const socket of [client, server]) {
      socket.on("error", end);
      socket.on("close", end);
    }
    this.schedule(link);
  }

  private schedule(link: Link): void {
    if (!this.faulting || link.timer !== undefined || !this.links.has(link)) return;
    link.timer = setTimeout(() => {
      link.timer = undefined;
      if (!this.faulting || !this.links.has(link)) return;
      if (this.options.mode === "cut") {
        this.cuts++;
        this.drop(link);
      } else this.stall(link);
    }, this.pick(this.options.faultAfterMs));
  }

  private stall(link: Link): void {
    this.stalls++;
    link.stalled = true;
    link.client.pause();
    link.server.pause();
    link.timer = setTimeout(
      () => {
        link.timer = undefined;
        this.unstall(link);
        this.schedule(link);
      },
      this.pick(this.options.stallMs ?? DEFAULT_STALL_MS),
    );
  }

  private unstall(link: Link): void {
    link.stalled = false;
    link.client.resume();
    link.server.resume();
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    clearTimeout(link.timer);
    link.client.destroy();
    link.server.destroy();
  }
}
