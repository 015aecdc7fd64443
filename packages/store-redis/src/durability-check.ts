import { ChatError } from "@chat/core";
import type { RedisConnection } from "./redis-connection.js";

/**
 * The Redis settings under which an answered send is never lost: every write is appended to the AOF and
 * fsynced before Redis replies, and a full memory refuses writes rather than evicting stored messages.
 */
export const REQUIRED_REDIS_SETTINGS = [
  { name: "appendonly", value: "yes", why: "without the append-only file a restart loses every write" },
  { name: "appendfsync", value: "always", why: "anything else answers writes before they are on disk" },
  { name: "maxmemory-policy", value: "noeviction", why: "eviction deletes stored messages and accounts" },
] as const;

function settingValue(reply: unknown, name: string): string | undefined {
  // RESP3 answers CONFIG GET with a map (an object); RESP2 with a flat [name, value] array.
  if (Array.isArray(reply)) {
    const index = reply.indexOf(name);
    return index >= 0 ? String(reply[index + 1]) : undefined;
  }
  if (reply instanceof Map) return reply.has(name) ? String(reply.get(name)) : undefined;
  if (typeof reply === "object" && reply !== null && name in reply) {
    return String((reply as Record<string, unknown>)[name]);
  }
  return undefined;
}

/**
 * Reads the settings of every Redis server behind `connection` and throws `FAILED_PRECONDITION` with one line
 * naming the first unsafe one. Settings can change at run time (`CONFIG SET`); this is a start-up guard
 * against a wrongly configured server, not a monitor.
 */
export async function checkRedisDurability(connection: RedisConnection): Promise<void> {
  for (const server of await connection.servers()) {
    for (const setting of REQUIRED_REDIS_SETTINGS) {
      let actual: string | undefined;
      try {
        actual = settingValue(await server.send(["CONFIG", "GET", setting.name]), setting.name);
      } catch (error) {
        throw new ChatError(
          "FAILED_PRECONDITION",
          `cannot read ${setting.name} of Redis at ${server.address} (CONFIG GET failed: ${(error as Error).message}); use the unsafe option to run anyway`,
          { cause: error },
        );
      }
      if (actual !== setting.value) {
        throw new ChatError(
          "FAILED_PRECONDITION",
          `Redis at ${server.address} has ${setting.name} ${actual ?? "(unset)"}, needs ${setting.name} ${setting.value}: ${setting.why} (use the unsafe option to run anyway)`,
        );
      }
    }
  }
}
