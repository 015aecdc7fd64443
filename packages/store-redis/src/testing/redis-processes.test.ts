import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { RedisClusterProcess } from "./redis-cluster-process.js";
import { RedisServerProcess } from "./redis-server-process.js";

const execFileAsync = promisify(execFile);

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args]);
  return stdout.trim();
}

describe("test Redis processes", () => {
  it("starts a durable redis-server, keeps an fsynced write across SIGKILL and restart on the same port", async () => {
    const server = await RedisServerProcess.start();
    try {
      expect(await cli(server.port, "config", "get", "appendfsync")).toBe("appendfsync\nalways");
      expect(await cli(server.port, "config", "get", "maxmemory-policy")).toBe(
        "maxmemory-policy\nnoeviction",
      );
      await cli(server.port, "set", "answered", "yes");
      await server.kill();
      await expect(cli(server.port, "ping")).rejects.toThrow();
      await server.restart();
      expect(await cli(server.port, "get", "answered")).toBe("yes");
    } finally {
      await server.stop();
    }
  });

  it("starts a 3-master cluster that serves every slot", async () => {
    const cluster = await RedisClusterProcess.start();
    try {
      const first = cluster.nodes[0] as RedisServerProcess;
      const info = await cli(first.port, "cluster", "info");
      expect(info).toContain("cluster_state:ok");
      expect(info).toContain("cluster_size:3");
      expect(info).toContain("cluster_slots_assigned:16384");
    } finally {
      await cluster.stop();
    }
  });
});
