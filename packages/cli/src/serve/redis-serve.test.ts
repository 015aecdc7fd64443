// Process tests of `chat-cli serve --redis`: built CLI nodes in child processes on one real redis-server.
import { type ChatError, DEFAULT_LEASE_TTL_MS } from "@chat/core";
import { openRedisStore } from "@chat/store-redis";
import { RedisServerProcess } from "@chat/store-redis/testing";
import { WireClient } from "@chat/wire";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../testing/built-cli.js";
import { CliProcess, killAllCliProcesses } from "../testing/cli-process.js";
import { connectCli, portOf, startTestServer } from "../testing/test-server.js";
import { parseListenerLine } from "./listener-line.js";

let redis: RedisServerProcess;

beforeAll(async () => {
  requireBuiltCli();
  redis = await RedisServerProcess.start();
});
afterEach(killAllCliProcesses);
afterAll(async () => {
  await redis?.stop();
});

async function runToExit(args: readonly string[]) {
  const run = new CliProcess(args);
  const { code } = await run.waitForExit();
  return { code, messages: run.stderrMessages };
}

describe("chat-cli serve --redis", () => {
  it("shares accounts and queued messages between two nodes on one Redis, across transports", async () => {
    const wireNode = await startTestServer(["--redis", redis.url, "--metrics-port", "0"], {
      transport: "wire",
    });
    const metricsPort = parseListenerLine(await wireNode.process.waitForLine(/^metrics listening on /))?.port;
    const grpcNode = await startTestServer(["--redis", `${redis.url}/0`], { transport: "grpc" });
    const alice = new CliProcess(["connect", "--port", String(portOf(wireNode, "wire"))]);
    await alice.command("register alice password1", "ok register alice");
    await alice.command("login alice password1", "ok login alice");
    const bob = connectCli("grpc", portOf(grpcNode, "grpc"));
    await bob.command("register Bob password2", "ok register Bob");
    await alice.command("message bob stored in redis", /^ok message bob \d+ stored$/);
    await bob.command("login bob password2", "ok login Bob");
    await bob.waitForLine("message alice stored in redis");
    await bob.command("accdump", "accounts alice Bob");
    // The name is taken cluster-wide, ignoring case, whichever node is asked.
    await alice.command("register BOB password3", /^error ALREADY_EXISTS /);
    // The node's metrics count its own sessions; Redis cannot count the queue, so no false 0 is shown.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^chat_sessions_live 1$/m);
    expect(metrics).toMatch(/^chat_messages_sent_total\{delivery="stored"\} 1$/m);
    expect(metrics).not.toMatch(/^chat_messages_queued/m);
  });

  it("refuses a Redis that could lose acknowledged sends in one line naming the setting, unless --redis-unsafe", async () => {
    const unsafe = await RedisServerProcess.start({ settings: { appendfsync: "everysec" } });
    try {
      const refused = await runToExit(["serve", "--redis", unsafe.url, "--port", "0", "--grpc-port", "0"]);
      expect(refused.code).toBe(1);
      expect(refused.messages).toEqual([
        `chat-cli: cannot use Redis at ${unsafe.url}: Redis at 127.0.0.1:${unsafe.port} has appendfsync everysec, needs appendfsync always: anything else answers writes before they are on disk (use the unsafe option to run anyway)`,
      ]);
      const node = await startTestServer(["--redis", unsafe.url, "--redis-unsafe"], { transport: "wire" });
      expect(portOf(node, "wire")).toBeGreaterThan(0);
    } finally {
      await unsafe.stop();
    }
  });

  it("rejects a malformed Redis URL or --redis with --db as a usage error", async () => {
    for (const args of [
      ["serve", "--redis", "http://127.0.0.1:6379"],
      ["serve", "--redis", "redis://127.0.0.1:6379/zero"],
      ["serve", "--redis", redis.url, "--db", "x.db"],
      ["serve", "--redis", redis.url, "--memory"],
    ]) {
      const result = await runToExit(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.messages, args.join(" ")).toHaveLength(1);
    }
  });

  it("frees the account of a SIGKILLed node within the lease time to live, and keeps its stored mail", async () => {
    const doomed = await startTestServer(["--redis", redis.url], { transport: "wire" });
    const survivor = await startTestServer(["--redis", redis.url], { transport: "wire" });
    const victim = new CliProcess(["connect", "--port", String(portOf(doomed, "wire"))]);
    await victim.command("register carol password1", "ok register carol");
    await victim.command("register dan password2", "ok register dan");
    await victim.command("login carol password1", "ok login carol");
    const dan = new WireClient({ host: "127.0.0.1", port: portOf(survivor, "wire") });
    await dan.connect();
    await dan.login("dan", "password2");
    // Cross-node live delivery: dan on the survivor, carol on the node about to die.
    expect((await dan.send("carol", "before the node dies")).delivery).toBe("live");
    await victim.waitForLine("message dan before the node dies");
    // The prompt acks after display; wait until that ack is in Redis, or the message would rightly come again.
    const observer = await openRedisStore({ target: { url: redis.url } });
    while ((await observer.readMessages("carol", 0, 10)).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    }
    await observer.close();

    doomed.process.kill("SIGKILL");
    const killedAt = Date.now();
    await doomed.process.waitForExit();
    // Stored while the dead node's lease still stands; delivered at carol's next login.
    await dan.send("carol", "after the node died");
    const carol = new WireClient({ host: "127.0.0.1", port: portOf(survivor, "wire") });
    await carol.connect();
    let refusals = 0;
    for (;;) {
      const error = await carol.login("carol", "password1").then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      if (error === undefined) break;
      expect((error as ChatError).code).toBe("FAILED_PRECONDITION");
      refusals++;
      // The documented bound: the dead node's lease outlives it by at most its time to live.
      expect(Date.now() - killedAt).toBeLessThan(DEFAULT_LEASE_TTL_MS + LEASE_POLL_MS * 5);
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    }
    const freedAfterMs = Date.now() - killedAt;
    console.info(`lease expiry after SIGKILL of a node: account free again after ${freedAfterMs} ms`);
    // Refused at first: the lease really outlived the node, and was not just absent.
    expect(refusals).toBeGreaterThan(0);
    const [message] = await takeMessages(carol, 1);
    expect(message?.content).toBe("after the node died");
    await Promise.all([carol.close(), dan.close()]);
  }, 60_000);
});

/** Pause between login attempts while waiting for a dead node's lease to expire. */
const LEASE_POLL_MS = 100;

async function takeMessages(client: WireClient, count: number) {
  const taken = [];
  for await (const message of client.messages) {
    taken.push(message);
    if (taken.length === count) break;
  }
  return taken;
}
