// The session directory on a 3-master Redis Cluster: leases, fencing and wake-ups on hash-tagged keys and
// sharded channels, with two nodes on their own cluster connections.
import { afterAll, beforeAll, expect, it } from "vitest";
import { RedisSessionDirectory } from "../../src/redis-session-directory.js";
import { openRedisStore, type RedisStore } from "../../src/redis-store.js";
import { RedisClusterProcess } from "../../src/testing/redis-cluster-process.js";

let cluster: RedisClusterProcess;
const stores: RedisStore[] = [];

beforeAll(async () => {
  cluster = await RedisClusterProcess.start();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await cluster?.stop();
});

async function clusterNode(): Promise<{ store: RedisStore; directory: RedisSessionDirectory }> {
  const store = await openRedisStore({ target: { cluster: cluster.rootNodes } });
  stores.push(store);
  return { store, directory: await RedisSessionDirectory.create(store.redis) };
}

it("claims, fences, wakes and delivers across two nodes of a Redis Cluster, for accounts on every shard", async () => {
  const a = await clusterNode();
  const b = await clusterNode();
  // Enough names that all three masters own some of them.
  const names = Array.from({ length: 12 }, (_, index) => `user${index}`);
  for (const name of names) {
    await a.store.createAccount({ username: name, key: name, passwordHash: "x", createdAt: 0 });
  }
  for (const name of names) {
    const lease = await a.directory.claim(name);
    if (!lease) throw new Error(`no lease for ${name}`);
    expect(await b.directory.claim(name)).toBeUndefined();
    const hints: number[] = [];
    const stop = await a.directory.watch(name, (seq) => hints.push(seq));
    const stored = await b.store.appendMessage(name, { from: "b", content: `to ${name}`, sentAt: 1 });
    expect(await b.directory.announce(name, stored.seq)).toBe(true);
    const deadline = Date.now() + 5000;
    while (hints.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(hints).toEqual([stored.seq]);
    expect((await a.directory.readMessages(lease, 0, 10)).map((message) => message.content)).toEqual([
      `to ${name}`,
    ]);
    expect(await a.directory.renew(lease)).toEqual({ held: true, lastSeq: 1 });
    expect(await a.directory.ackMessages(lease, 1)).toBe(1);
    await stop();
    await a.directory.release(lease);
    expect(await b.directory.claim(name)).toBeDefined();
  }
  const shards = new Set<string>();
  for (const server of await a.store.redis.servers()) {
    const keys = await server.send(["DBSIZE"]);
    if (typeof keys === "number" && keys > 0) shards.add(server.address);
  }
  expect(shards.size).toBe(3);
});
