// Test support: several in-process chat nodes (ChatService + a transport server each) on one Redis.
import type { ChatClient, ChatService } from "@chat/core";
import { createTestService } from "@chat/core/testing";
import { GrpcClient, GrpcServer } from "@chat/grpc";
import { WireClient, WireServer } from "@chat/wire";
import {
  RedisSessionDirectory,
  type RedisSessionDirectoryOptions,
} from "../../src/redis-session-directory.js";
import { openRedisStore, type RedisStore } from "../../src/redis-store.js";

/** A transport as these tests use it: a server in front of a service, and a client for its port. */
export interface TestTransport {
  readonly name: "wire" | "grpc";
  listen(service: ChatService): Promise<{ port: number; close: () => Promise<void> }>;
  client(port: number): ChatClient;
}

export const TEST_TRANSPORTS: readonly TestTransport[] = [
  {
    name: "wire",
    listen: async (service) => {
      const server = new WireServer(service);
      const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
      return { port, close: () => server.close() };
    },
    client: (port) => new WireClient({ host: "127.0.0.1", port }),
  },
  {
    name: "grpc",
    listen: async (service) => {
      const server = new GrpcServer(service, { shutdownTimeoutMs: 1000 });
      const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
      return { port, close: () => server.close() };
    },
    client: (port) => new GrpcClient({ host: "127.0.0.1", port }),
  },
];

/** One chat node: its own Redis connection, store, session directory, service and listener. */
export interface TestNode {
  readonly service: ChatService;
  readonly store: RedisStore;
  readonly directory: RedisSessionDirectory;
  readonly port: number;
  /** A connected client of this node. */
  connect(): Promise<ChatClient>;
  stop(): Promise<void>;
}

/** Starts a node on `redisUrl` serving `transport`. */
export async function startNode(
  redisUrl: string,
  transport: TestTransport,
  directoryOptions: RedisSessionDirectoryOptions = {},
): Promise<TestNode> {
  const store = await openRedisStore({ target: { url: redisUrl } });
  const directory = await RedisSessionDirectory.create(store.redis, directoryOptions);
  const service = createTestService({ store, directory });
  const server = await transport.listen(service);
  let stopping: Promise<void> | undefined;
  return {
    service,
    store,
    directory,
    port: server.port,
    connect: async () => {
      const client = transport.client(server.port);
      await client.connect();
      return client;
    },
    stop: () => {
      stopping ??= (async () => {
        await server.close();
        await service.close();
        await store.close();
      })();
      return stopping;
    },
  };
}

/** Empties the Redis (between tests that reuse names). */
export async function flushRedis(redisUrl: string): Promise<void> {
  const store = await openRedisStore({ target: { url: redisUrl } });
  try {
    for (const server of await store.redis.servers()) await server.send(["FLUSHALL", "SYNC"]);
  } finally {
    await store.close();
  }
}
