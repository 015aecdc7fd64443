import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StorageChoice } from "@chat/cli";
import { connectRedis, type RedisConnection } from "@chat/store-redis";
import { DURABLE_REDIS_SETTINGS, RedisServerProcess } from "@chat/store-redis/testing";
import { BenchFailure } from "./bench-failure.js";
import type { BenchProfile } from "./bench-profile.js";
import type { Variant } from "./bench-variant.js";
import type { ClientPorts } from "./chat-clients.js";
import { chatLoad } from "./chat-load.js";
import { chatRelay } from "./chat-relay.js";
import { pairPaddle } from "./pair-paddle.js";
import { type CommandCalls, commandsPerMessage, readCommandCalls } from "./redis-command-stats.js";
import { integer } from "./report-format.js";
import { storageArgument } from "./scale-out-node.js";
import { SCALE_OUT_PROFILES, SCALE_OUT_TARGET_RATE, type ScaleOutProfile } from "./scale-out-profile.js";
import {
  type RedisCommandCount,
  SCALE_OUT_SETUPS,
  type ScaleOutResults,
  type ScaleOutRow,
  type ScaleOutSetup,
} from "./scale-out-results.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

/**
 * The protocol every client of the section speaks: compact wire, what `WireClient` negotiates by default and
 * the fastest variant of the transports' section, so the store and the cross-node path are what differ.
 */
export const SCALE_OUT_VARIANT: Variant = "wire-compact";

/** What each set-up is called, how many nodes it spreads the clients over, and a letter for its accounts. */
const SETUPS: Readonly<
  Record<ScaleOutSetup, { readonly label: string; readonly nodes: number; readonly tag: string }>
> = {
  memory: { label: "one node, memory", nodes: 1, tag: "m" },
  sqlite: { label: "one node, SQLite", nodes: 1, tag: "q" },
  "redis-one-node": { label: "one node, Redis", nodes: 1, tag: "o" },
  "redis-two-nodes": { label: "two nodes, one Redis", nodes: 2, tag: "t" },
};

/** Longest wait for `redis-server --version`. */
const VERSION_TIMEOUT_MS = 10_000;

/** How the scale-out section is run. */
export interface ScaleOutOptions {
  readonly profile: BenchProfile["name"];
  /** The bench's server child entry (`bench-server.js`): each node is one `chat-node` child of it. */
  readonly serverEntry: string;
  /** Extra Node flags for the node processes (`--cpu-prof`). */
  readonly nodeArgs: readonly string[];
  readonly progress: (line: string) => void;
}

/**
 * The installed `redis-server`'s version (`7.0.15`). A missing program is a {@link BenchFailure} that says
 * how to install it or how to run the bench without this section — asked before the run starts, so a full
 * run does not fail after minutes of other sections.
 */
export function redisServerVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let output = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), VERSION_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === "ENOENT"
          ? new BenchFailure(
              "the scale-out section needs redis-server, which is not on PATH: install it (apt-get install -y redis-server, or bash scripts/ensure-system-packages.sh) or leave the section out (--only transports,stores)",
            )
          : error,
      );
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      const version = /v=(\S+)/.exec(output)?.[1];
      if (code === 0 && version !== undefined) resolve(version);
      else reject(new BenchFailure(`redis-server --version failed (exit ${String(code)}): ${output.trim()}`));
    });
  });
}

/** One measurement's nodes: started as child processes, stopped after `work`. */
async function withNodes<T>(
  options: ScaleOutOptions,
  storages: readonly StorageChoice[],
  work: (ports: ClientPorts) => Promise<T>,
): Promise<T> {
  const nodes: ServerProcess[] = [];
  try {
    for (const storage of storages) {
      nodes.push(
        await startServerProcess(options.serverEntry, "chat-node", options.nodeArgs, [
          storageArgument(storage),
        ]),
      );
    }
    const [first, last] = [nodes[0], nodes.at(-1)];
    if (!first || !last) throw new Error("a measurement needs at least one node");
    // Senders on the first node, receivers on the last: the same node when there is one.
    return await work({ senders: first.port("wire"), receivers: last.port("wire") });
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

/** Runs `work`, counting the Redis commands it causes per message (`messages` of its result). */
async function counted<T>(
  redis: RedisConnection | undefined,
  work: () => Promise<T>,
  messages: (result: T) => number,
): Promise<{ readonly result: T; readonly commands?: RedisCommandCount }> {
  if (!redis) return { result: await work() };
  const before: CommandCalls = await readCommandCalls(redis);
  const result = await work();
  const after = await readCommandCalls(redis);
  return { result, commands: commandsPerMessage(before, after, messages(result)) };
}

async function measureSetup(
  setup: ScaleOutSetup,
  profile: ScaleOutProfile,
  options: ScaleOutOptions,
  storageFor: (measurement: string) => StorageChoice,
  redis: RedisConnection | undefined,
): Promise<ScaleOutRow> {
  const { label, nodes, tag } = SETUPS[setup];
  const storages = (measurement: string): StorageChoice[] =>
    Array.from({ length: nodes }, () => storageFor(measurement));
  const say = (line: string): void => options.progress(`scale-out, ${label}: ${line}`);
  const perMessage = (commands: RedisCommandCount | undefined): string =>
    commands ? `, ${commands.commandsPerMessage} Redis commands per message` : "";

  const paddle = await withNodes(options, storages("paddle"), (ports) =>
    counted(
      redis,
      () =>
        pairPaddle(
          SCALE_OUT_VARIANT,
          ports,
          {
            warmup: profile.paddleWarmup,
            durationMs: profile.paddleMs,
            maxRoundTrips: profile.paddleMaxRoundTrips,
          },
          `z${tag}`,
        ),
      (result) => profile.paddleWarmup + result.roundTrips,
    ),
  );
  say(
    `paddle ${integer(paddle.result.roundTripsPerSecond)} round trips/s, p99 ${paddle.result.latency.p99Ms} ms${perMessage(paddle.commands)}`,
  );

  const relay = await withNodes(options, storages("relay"), (ports) =>
    counted(
      redis,
      () =>
        chatRelay(
          SCALE_OUT_VARIANT,
          ports,
          {
            pairs: profile.relayPairs,
            window: profile.relayWindow,
            warmupMs: profile.relayWarmupMs,
            durationMs: profile.relayMs,
          },
          `x${tag}`,
        ),
      (result) => result.sent ?? 0,
    ),
  );
  say(
    `relay ${integer(relay.result.messagesPerSecond)} msgs/s (${relay.result.pairs} pairs)${perMessage(relay.commands)}`,
  );

  const load = await withNodes(options, storages("load"), (ports) =>
    chatLoad(
      SCALE_OUT_VARIANT,
      ports,
      profile.loadRates,
      { pairs: profile.loadPairs, warmupMs: profile.loadWarmupMs, durationMs: profile.loadMs },
      `y${tag}`,
      (step) =>
        say(
          `at ${integer(step.offeredPerSecond)}/s offered: delivered ${integer(step.deliveredPerSecond)}/s, p50 ${step.latency.p50Ms} ms, p99 ${step.latency.p99Ms} ms${step.saturated ? " (saturated)" : ""}`,
        ),
    ),
  );

  return {
    setup,
    label,
    nodes,
    paddle: paddle.result,
    relay: relay.result,
    load: load.steps,
    ...(paddle.commands && relay.commands
      ? { redisCommands: { paddle: paddle.commands, relay: relay.commands } }
      : {}),
  };
}

/**
 * The scale-out section: relay, paddle and latency under load with the senders on one chat node and the
 * receivers on another, both on one Redis, next to the same on one node with memory, SQLite and Redis, in
 * one run. Every node is a child process running `chat-cli serve`'s own server code; Redis is a real
 * `redis-server` with the settings a node requires (append-only file, fsync on every write, no eviction),
 * in a temporary directory on a free loopback port, stopped at the end. Each measurement starts fresh nodes
 * (and a fresh SQLite file); the Redis set-ups share the one Redis, with their own account names.
 */
export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutResults> {
  const profile = SCALE_OUT_PROFILES[options.profile];
  const redisVersion = await redisServerVersion();
  const directory = await mkdtemp(join(tmpdir(), "chat-bench-scale-out-"));
  let server: RedisServerProcess | undefined;
  let stats: RedisConnection | undefined;
  try {
    server = await RedisServerProcess.start();
    const url = server.url;
    options.progress(`scale-out: redis-server ${redisVersion} on 127.0.0.1:${server.port} (${server.dir})`);
    stats = await connectRedis({ target: { url } });
    const rows: ScaleOutRow[] = [];
    for (const setup of SCALE_OUT_SETUPS) {
      const storageFor = (measurement: string): StorageChoice => {
        if (setup === "memory") return { kind: "memory" };
        if (setup === "sqlite") return { kind: "sqlite", path: join(directory, `${measurement}.db`) };
        return { kind: "redis", url, unsafe: false };
      };
      const onRedis = setup === "redis-one-node" || setup === "redis-two-nodes";
      rows.push(await measureSetup(setup, profile, options, storageFor, onRedis ? stats : undefined));
    }
    return {
      variant: SCALE_OUT_VARIANT,
      nodesRanAs: "child processes",
      redisVersion,
      redisSettings: DURABLE_REDIS_SETTINGS,
      targetRate: SCALE_OUT_TARGET_RATE,
      rows,
    };
  } finally {
    await stats?.close();
    await server?.stop();
    await rm(directory, { recursive: true, force: true });
  }
}
