import { createClient, createCluster, type RedisArgument } from "redis";

/** Longest a single Redis command may take before it fails with `UNAVAILABLE` rather than hang. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 5000;
/** Longest wait for the first connection at start-up. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 5000;
/** First pause before reconnecting after a lost connection; it doubles on every failed attempt… */
export const REDIS_RECONNECT_INITIAL_DELAY_MS = 50;
/** …up to this pause, so a node finds a restarted Redis within about this long. */
export const REDIS_RECONNECT_MAX_DELAY_MS = 1000;

/** Where Redis is: one server by URL, or a Redis Cluster by some of its nodes. */
export type RedisTarget =
  | { readonly url: string }
  | { readonly cluster: ReadonlyArray<{ readonly host: string; readonly port: number }> };

/** How to connect. */
export interface RedisConnectionOptions {
  readonly target: RedisTarget;
  /** Per-command deadline; {@link DEFAULT_REDIS_COMMAND_TIMEOUT_MS} when left out. */
  readonly commandTimeoutMs?: number;
  /** Called with connection errors (each reconnect attempt that fails); they never throw. */
  readonly onError?: (error: Error) => void;
}

/** A reply as RESP3 delivers it to `sendCommand`, before the caller checks its shape. */
export type RedisReply = unknown;

/** One server of the deployment, for per-server commands (`CONFIG GET`). */
export interface RedisServerHandle {
  /** `host:port` for messages. */
  readonly address: string;
  send(args: readonly string[]): Promise<RedisReply>;
}

/**
 * The few things the store needs from Redis, the same over one server and over a cluster: a command routed
 * by its first key, every server for checks, and pub/sub. Keeps node-redis's wide generic types in one file.
 */
export interface RedisConnection {
  /** Sends a command to the server that owns `routingKey` (any server when it is undefined). */
  send(routingKey: string | undefined, args: readonly string[], readonly: boolean): Promise<RedisReply>;
  /** Every master. */
  servers(): Promise<RedisServerHandle[]>;
  /**
   * Subscribes `listener` to a sharded pub/sub channel (`SSUBSCRIBE`; the channel lives on the shard of
   * its hash tag); resolves to a function that removes this listener only.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Closes every connection; pending commands fail. */
  close(): Promise<void>;
}

/** Exponential backoff with a cap: fast recovery from a blip, no hammering of a Redis that stays down. */
function reconnectDelay(retries: number): number {
  return Math.min(
    REDIS_RECONNECT_INITIAL_DELAY_MS * 2 ** Math.min(retries, 16),
    REDIS_RECONNECT_MAX_DELAY_MS,
  );
}

/**
 * Socket options of one client. Before its first connection succeeds, a failure is final (the node's start
 * fails with one line); once it has been connected, it reconnects for ever with backoff.
 */
function socketOptions(connectTimeoutMs: number) {
  let connected = false;
  return {
    connectTimeout: connectTimeoutMs,
    reconnectStrategy: (retries: number, cause: Error): number | Error =>
      connected ? reconnectDelay(retries) : cause,
    markConnected: () => {
      connected = true;
    },
  };
}

/**
 * Waits for `connect()` but gives up after `timeoutMs`: node-redis would otherwise keep retrying an
 * unreachable server for ever, and a node must fail its start with one clear line.
 */
async function connectWithin(connect: Promise<unknown>, timeoutMs: number, what: string, abort: () => void) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort();
      reject(new Error(`cannot reach Redis at ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([connect, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function createSingleClient(url: string) {
  const { markConnected, ...socket } = socketOptions(DEFAULT_REDIS_CONNECT_TIMEOUT_MS);
  const client = createClient({ url, disableOfflineQueue: true, socket });
  client.once("ready", markConnected);
  return client;
}

function createClusterClient(nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>) {
  return createCluster({
    rootNodes: nodes.map((node) => ({ socket: { host: node.host, port: node.port } })),
    // Node clients are made as the topology is discovered, so they always reconnect; an unreachable
    // cluster fails the start through the root-node discovery instead.
    defaults: {
      disableOfflineQueue: true,
      socket: { connectTimeout: DEFAULT_REDIS_CONNECT_TIMEOUT_MS, reconnectStrategy: reconnectDelay },
    },
  });
}

type SingleClient = ReturnType<typeof createSingleClient>;
type ClusterClient = ReturnType<typeof createClusterClient>;

class SingleServerConnection implements RedisConnection {
  constructor(
    private readonly client: SingleClient,
    private readonly subscriber: SingleClient,
    private readonly address: string,
    private readonly timeoutMs: number,
  ) {}

  send(_routingKey: string | undefined, args: readonly string[]): Promise<RedisReply> {
    return this.client.sendCommand(args as RedisArgument[], { timeout: this.timeoutMs });
  }

  async servers(): Promise<RedisServerHandle[]> {
    return [{ address: this.address, send: (args) => this.send(undefined, args) }];
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    await this.subscriber.sSubscribe(channel, listener);
    return () => this.subscriber.sUnsubscribe(channel, listener);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.client.close(), this.subscriber.close()]);
  }
}

class ClusterConnection implements RedisConnection {
  constructor(
    private readonly cluster: ClusterClient,
    private readonly timeoutMs: number,
  ) {}

  send(routingKey: string | undefined, args: readonly string[], readonly: boolean): Promise<RedisReply> {
    return this.cluster.sendCommand(routingKey, readonly, args as RedisArgument[], {
      timeout: this.timeoutMs,
    });
  }

  async servers(): Promise<RedisServerHandle[]> {
    return Promise.all(
      this.cluster.masters.map(async (master) => {
        const client = await this.cluster.nodeClient(master);
        return {
          address: `${master.host}:${master.port}`,
          send: (args: readonly string[]) =>
            client.sendCommand(args as RedisArgument[], { timeout: this.timeoutMs }),
        };
      }),
    );
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    // Sharded pub/sub: a channel named after an account's hash tag lives on that account's shard, so a
    // hint costs one shard, not a broadcast over the whole cluster bus.
    await this.cluster.sSubscribe(channel, listener);
    return () => this.cluster.sUnsubscribe(channel, listener);
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }
}

/**
 * Connects to Redis. Commands are never queued while the connection is down (`disableOfflineQueue`): they
 * fail at once, so a request fails fast with `UNAVAILABLE` instead of hanging, while the client keeps
 * reconnecting in the background with capped exponential backoff.
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
  const onError = options.onError ?? (() => {});
  const target = options.target;
  if ("url" in target) {
    const client = createSingleClient(target.url);
    const subscriber = createSingleClient(target.url);
    // Without an "error" listener, node-redis would crash the process on the first lost connection.
    client.on("error", onError);
    subscriber.on("error", onError);
    const address = new URL(target.url).host;
    await connectWithin(
      Promise.all([client.connect(), subscriber.connect()]),
      DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
      address,
      () => {
        client.destroy();
        subscriber.destroy();
      },
    );
    return new SingleServerConnection(client, subscriber, address, timeoutMs);
  }
  const cluster = createClusterClient(target.cluster);
  cluster.on("error", onError);
  await connectWithin(
    cluster.connect(),
    DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
    target.cluster.map((node) => `${node.host}:${node.port}`).join(","),
    () => {
      cluster.destroy();
    },
  );
  return new ClusterConnection(cluster, timeoutMs);
}
