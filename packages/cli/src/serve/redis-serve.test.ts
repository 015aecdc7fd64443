// Process tests of `chat-cli serve --redis`: built CLI nodes in child processes on one real redis-server.
import { RedisServerProcess } from "@chat/store-redis/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureCliBuilt } from "../test-support/built-cli.js";
import { CliProcess, killAllCliProcesses } from "../test-support/cli-process.js";
import { portOf, startTestServer } from "../test-support/test-server.js";

let redis: RedisServerProcess;

beforeAll(async () => {
  await ensureCliBuilt();
  redis = await RedisServerProcess.start();
}, 240_000);
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
    const wireNode = await startTestServer(["--redis", redis.url], { transport: "wire" });
    const grpcNode = await startTestServer(["--redis", `${redis.url}/0`], { transport: "grpc" });
    const alice = new CliProcess(["connect", "--port", String(portOf(wireNode, "wire"))]);
    await alice.command("register alice password1", "ok register alice");
    await alice.command("login alice password1", "ok login alice");
    const bob = new CliProcess([
      "connect",
      "--transport",
      "grpc",
      "--port",
      String(portOf(grpcNode, "grpc")),
    ]);
    await bob.command("register Bob password2", "ok register Bob");
    await alice.command("message bob stored in redis", /^ok message bob \d+ stored$/);
    await bob.command("login bob password2", "ok login Bob");
    await bob.waitForLine("message alice stored in redis");
    await bob.command("accdump", "accounts alice Bob");
    // The name is taken cluster-wide, ignoring case, whichever node is asked.
    await alice.command("register BOB password3", /^error ALREADY_EXISTS /);
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
});
