import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findFreePort, LOOPBACK_HOST } from "./free-port.js";
import { RedisServerProcess } from "./redis-server-process.js";

const execFileAsync = promisify(execFile);

/** Masters in a test cluster: the smallest Redis Cluster that `redis-cli --cluster create` accepts. */
export const DEFAULT_CLUSTER_MASTERS = 3;
/** How long the joined nodes may take to agree that every slot is served. */
export const CLUSTER_READY_TIMEOUT_MS = 30_000;
/** Pause between checks of `CLUSTER INFO` while the cluster forms. */
const CLUSTER_POLL_MS = 100;
/** Node timeout of the test cluster: short, since the tests never wait for a failover. */
const CLUSTER_NODE_TIMEOUT_MS = 5000;

async function redisCli(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync("redis-cli", args, { encoding: "utf8" });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(
        "redis-cli is not on PATH: run scripts/ensure-system-packages.sh (pnpm check does) or 'apt-get install -y redis-server'",
      );
    }
    throw error;
  }
}

/**
 * A local Redis Cluster of real `redis-server --cluster-enabled yes` processes (masters only, no replicas),
 * joined with `redis-cli --cluster create`, for tests that prove keys of one account share a slot.
 */
export class RedisClusterProcess {
  private constructor(
    /** The masters, in the order they were created. */
    readonly nodes: readonly RedisServerProcess[],
    private readonly dir: string,
  ) {}

  /** Starts `masters` nodes, joins them, and resolves once every node reports `cluster_state:ok`. */
  static async start(masters = DEFAULT_CLUSTER_MASTERS): Promise<RedisClusterProcess> {
    const dir = await mkdtemp(join(tmpdir(), "chat-redis-cluster-"));
    const nodes: RedisServerProcess[] = [];
    try {
      for (let index = 0; index < masters; index++) {
        nodes.push(
          await RedisServerProcess.start({
            dir: await mkdtemp(join(dir, `node-${index}-`)),
            settings: {
              "cluster-enabled": "yes",
              "cluster-config-file": "nodes.conf",
              "cluster-node-timeout": String(CLUSTER_NODE_TIMEOUT_MS),
              // The cluster bus gets its own free port: the default (port + 10000) may be out of range or taken.
              "cluster-port": String(await findFreePort()),
            },
          }),
        );
      }
      await redisCli([
        "--cluster",
        "create",
        ...nodes.map((node) => `${LOOPBACK_HOST}:${node.port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ]);
      const cluster = new RedisClusterProcess(nodes, dir);
      await cluster.waitUntilReady();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.stop()));
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Addresses for a cluster client's `rootNodes`. */
  get rootNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((node) => ({ host: LOOPBACK_HOST, port: node.port }));
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
    for (;;) {
      const states = await Promise.all(
        this.nodes.map((node) => redisCli(["-h", LOOPBACK_HOST, "-p", String(node.port), "cluster", "info"])),
      );
      if (states.every((info) => info.includes("cluster_state:ok"))) return;
      if (Date.now() > deadline) {
        throw new Error(`the Redis Cluster did not become ready within ${CLUSTER_READY_TIMEOUT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, CLUSTER_POLL_MS));
    }
  }

  /** Stops every node and removes their directories. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
