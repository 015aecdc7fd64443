import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { ServerKind, ServerReady } from "./server-kind.js";

/** A bench server running in its own process. */
export interface ServerProcess {
  readonly pid: number;
  /** The ports it listens on, by name (`wire`, `grpc`, `pingPong`, `relay`). */
  port(name: string): number;
  /** Stops it: closes its stdin (it shuts down on its own) and kills it if it has not gone in time. */
  stop(): Promise<void>;
}

/** How long a child gets to start listening. */
const START_TIMEOUT_MS = 20_000;
/** How long a child gets to exit after being asked. */
const STOP_TIMEOUT_MS = 5_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Spawns `node <entry> <kind> [...kindArgs]` and waits for its ready line. Extra Node flags (for example
 * `--cpu-prof`) come from `nodeArgs`.
 */
export async function startServerProcess(
  entry: string,
  kind: ServerKind,
  nodeArgs: readonly string[] = [],
  kindArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, entry, kind, ...kindArgs], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  let timer: NodeJS.Timeout | undefined;
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`bench server ${kind} did not start in time`)),
      START_TIMEOUT_MS,
    );
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server ${kind} exited with code ${String(code)}`)));
    lines.once("line", (line) => {
      try {
        resolve(JSON.parse(line) as ServerReady);
      } catch (error) {
        reject(error);
      }
    });
  }).finally(() => clearTimeout(timer));
  child.removeAllListeners("exit");
  // Keep draining its stdout so a chatty child can never block on a full pipe.
  lines.on("line", () => {});
  const pid = child.pid ?? -1;
  return {
    pid,
    port: (name) => {
      const port = ready.ports[name];
      if (port === undefined) throw new Error(`bench server ${kind} has no port named ${name}`);
      return port;
    },
    stop: async () => {
      child.stdin?.end();
      const killer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited(child);
      clearTimeout(killer);
    },
  };
}
