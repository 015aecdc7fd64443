import { describeStoreContract } from "@chat/core/testing";
import { afterAll, beforeAll } from "vitest";
import { openRedisStore, type RedisStore } from "./redis-store.js";
import { RedisClusterProcess } from "./testing/redis-cluster-process.js";
import { RedisServerProcess } from "./testing/redis-server-process.js";

let server: RedisServerProcess;
let cluster: RedisClusterProcess;

beforeAll(async () => {
  [server, cluster] = await Promise.all([RedisServerProcess.start(), RedisClusterProcess.start()]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

/** Every case starts on an empty database: the contract's cases reuse names. */
async function freshStore(store: RedisStore): Promise<RedisStore> {
  for (const node of await store.redis.servers()) await node.send(["FLUSHALL", "SYNC"]);
  return store;
}

describeStoreContract("RedisStore on one Redis", {
  create: async () => freshStore(await openRedisStore({ target: { url: server.url } })),
  reopen: async (store) => {
    await store.close();
    return openRedisStore({ target: { url: server.url } });
  },
});

describeStoreContract("RedisStore on a 3-master Redis Cluster", {
  create: async () => freshStore(await openRedisStore({ target: { cluster: cluster.rootNodes } })),
  reopen: async (store) => {
    await store.close();
    return openRedisStore({ target: { cluster: cluster.rootNodes } });
  },
});
