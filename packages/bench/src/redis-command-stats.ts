import type { RedisConnection } from "@chat/store-redis";
import { round3 } from "./latency-recorder.js";
import type { RedisCommandCount } from "./scale-out-results.js";

/** Calls so far by command name, as `INFO commandstats` reports them. */
export type CommandCalls = ReadonlyMap<string, number>;

/** The bench's own command, asked before and after every measurement: not the chat's traffic. */
const OWN_COMMANDS: ReadonlySet<string> = new Set(["info"]);
/** The commands that run a script: each is one request from a node, whatever the script then calls. */
const SCRIPT_COMMANDS: ReadonlySet<string> = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall"]);

/**
 * Parses `INFO commandstats` (`cmdstat_<name>:calls=<n>,usec=…` per line). Redis counts the commands a
 * script runs as well as the script call itself, so the totals are every command Redis executed.
 */
export function parseCommandStats(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) calls.set(match[1], Number(match[2]));
  }
  return calls;
}

/** Reads the calls so far from the (one) server of `redis`. */
export async function readCommandCalls(redis: RedisConnection): Promise<CommandCalls> {
  const [server] = await redis.servers();
  if (!server) throw new Error("no Redis server to read INFO commandstats from");
  const reply = await server.send(["INFO", "commandstats"]);
  return parseCommandStats(typeof reply === "string" ? reply : String(reply));
}

/** The commands run between two readings, per message sent in between. */
export function commandsPerMessage(
  before: CommandCalls,
  after: CommandCalls,
  messages: number,
): RedisCommandCount {
  const byCommand: Record<string, number> = {};
  let total = 0;
  let scripts = 0;
  for (const [name, calls] of after) {
    const delta = calls - (before.get(name) ?? 0);
    if (delta <= 0 || OWN_COMMANDS.has(name)) continue;
    total += delta;
    if (SCRIPT_COMMANDS.has(name)) scripts += delta;
    byCommand[name] = messages > 0 ? round3(delta / messages) : 0;
  }
  const per = (count: number): number => (messages > 0 ? round3(count / messages) : 0);
  return {
    messages,
    commandsPerMessage: per(total),
    scriptCallsPerMessage: per(scripts),
    byCommand: Object.fromEntries(Object.entries(byCommand).sort(([, a], [, b]) => b - a)),
  };
}
