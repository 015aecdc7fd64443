// Test support: several in-process chat nodes (ChatService + a transport server each) on one Redis.
import type { ChatClient, ChatService, ChatServiceOptions, TransportDescriptor } from "@chat/core";
import { createTestService } from "@chat/core/testing";
import { grpcTransport } from "@chat/grpc";
import { wireTransport } from "@chat/wire";
import {
  RedisSessionDirectory,
  type RedisSessionDirectoryOptions,
} from "../../src/redis-session-directory.js";
import { openRedisStore, type RedisStore } from "../../src/redis-store.js";

/** The transports every scale-out test runs over, looked up through their descriptors. */
export const TEST_TRANSPORTS: readonly TransportDescriptor[] = [wireTransport, grpcTransport];

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
  transport: TransportDescriptor,
  options: {
    readonly directory?: RedisSessionDirectoryOptions;
    /** Makes the node's service (the conformance suite's, to share its hasher); a test service by default. */
    readonly createService?: (options: Partial<ChatServiceOptions>) => ChatService;
  } = {},
): Promise<TestNode> {
  const store = await openRedisStore({ target: { url: redisUrl } });
  const directory = await RedisSessionDirectory.create(store.redis, options.directory);
  const service = (options.createService ?? createTestService)({ store, directory });
  const server = transport.createServer(service);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  let stopping: Promise<void> | undefined;
  return {
    service,
    store,
    directory,
    port,
    connect: async () => {
      const client = transport.createClient({ host: "127.0.0.1", port });
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
