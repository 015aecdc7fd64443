import { connectRedis, type RedisConnection } from "@chat/store-redis";
import { RedisServerProcess } from "@chat/store-redis/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandsPerMessage, readCommandCalls } from "./redis-command-stats.js";

/*
 * The scale-out section's command counting, on a real redis-server: what INFO commandstats says a known
 * burst of commands cost, per message.
 */
describe("Redis commands per message", () => {
  let server: RedisServerProcess;
  let redis: RedisConnection;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    redis = await connectRedis({ target: { url: server.url } });
  }, 30_000);

  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it("counts script calls and the commands they run, but not its own INFO readings", async () => {
    const script =
      "redis.call('SET', KEYS[1], ARGV[1]); redis.call('GET', KEYS[1]); return redis.call('INCR', KEYS[2])";
    const before = await readCommandCalls(redis);
    for (let message = 0; message < 4; message++) {
      await redis.send("a", ["EVAL", script, "2", "a", "b", String(message)], false);
      await redis.send("b", ["INCR", "b"], false);
    }
    const after = await readCommandCalls(redis);
    const count = commandsPerMessage(before, after, 2);
    // Per message (4 bursts over 2 messages): 2 EVALs, each with SET, GET and INCR inside, and 2 INCRs.
    expect(count).toEqual({
      messages: 2,
      commandsPerMessage: 10,
      scriptCallsPerMessage: 2,
      byCommand: { eval: 2, incr: 4, set: 2, get: 2 },
    });
  });

  it("gives zero per message when no message was sent", async () => {
    const before = await readCommandCalls(redis);
    await redis.send("c", ["SET", "c", "1"], false);
    const count = commandsPerMessage(before, await readCommandCalls(redis), 0);
    expect(count.messages).toBe(0);
    expect(count.commandsPerMessage).toBe(0);
  });
});
