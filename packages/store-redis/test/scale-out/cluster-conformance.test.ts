// The conformance suite, unchanged, over several nodes on one Redis: each test's clients are spread
// round-robin over the nodes, so a sender and its recipient are usually on different nodes.
import { describeConformance } from "@chat/core/testing";
import { afterAll, beforeAll } from "vitest";
import { RedisServerProcess } from "../../src/testing/redis-server-process.js";
import { flushRedis, startNode, TEST_TRANSPORTS, type TestNode } from "./redis-nodes.js";

/** Nodes per test: enough that neighbours in a test are on different nodes, few enough for 2 cores. */
const NODES = 3;

let redis: RedisServerProcess;

beforeAll(async () => {
  redis = await RedisServerProcess.start();
});

afterAll(async () => {
  await redis?.stop();
});

for (const transport of TEST_TRANSPORTS) {
  // The suite hands each test a fresh in-memory service; a cluster test runs its own nodes instead, made
  // with the suite's hasher so that its hold on hashing holds every node.
  describeConformance(`${transport.name}, ${NODES} nodes on one Redis`, async (_service, services) => {
    await flushRedis(redis.url);
    const nodes: TestNode[] = [];
    for (let index = 0; index < NODES; index++) {
      nodes.push(await startNode(redis.url, transport, { createService: services.createService }));
    }
    let next = 0;
    return {
      connect: () => {
        const node = nodes[next++ % nodes.length] as TestNode;
        return node.connect();
      },
      stop: async () => {
        await Promise.all(nodes.map((node) => node.stop()));
      },
    };
  });
}
