import { cpus, loadavg, platform, release, totalmem } from "node:os";
import type { MachineFacts } from "./bench-results.js";

/** What the results were measured on; printed with every table, since the figures mean nothing without it. */
export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    nodeVersion: process.version,
    platform: `${platform()} ${release()}`,
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
