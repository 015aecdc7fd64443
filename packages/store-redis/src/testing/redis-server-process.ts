import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort, LOOPBACK_HOST } from "./free-port.js";

/**
 * The settings under which Redis never loses a write it has answered: every write is in the append-only
 * file and fsynced before the reply, and a full memory refuses writes instead of evicting keys. The store
 * refuses to start on anything else (see `checkRedisDurability`).
 */
export const DURABLE_REDIS_SETTINGS: Readonly<Record<string, string>> = {
  appendonly: "yes",
  appendfsync: "always",
  "maxmemory-policy": "noeviction",
};

/** How long a starting redis-server may take to accept connections (it replays its AOF first). */
export const REDIS_START_TIMEOUT_MS = 20_000;
/** How long a stopping redis-server may take before it is killed. */
export const REDIS_STOP_TIMEOUT_MS = 10_000;
/** How many free ports to try when another process takes the chosen one first. */
const PORT_ATTEMPTS = 5;
/** How much of a failed server's output an error quotes. */
const OUTPUT_TAIL_CHARS = 2000;

/** How to start a test Redis. */
export interface RedisServerOptions {
  /** Settings on top of {@link DURABLE_REDIS_SETTINGS} (e.g. `{ appendfsync: "everysec" }` for an unsafe one). */
  readonly settings?: Readonly<Record<string, string>>;
  /** The port to listen on; a free one when left out. */
  readonly port?: number;
  /** The data directory; a fresh temporary one (removed by `stop`) when left out. */
  readonly dir?: string;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A test run that dies without its cleanup must not leave Redis servers behind. */
function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const leftover of running) leftover.kill("SIGKILL");
  });
}

function missingBinary(program: string): Error {
  return new Error(
    `${program} is not on PATH: run scripts/ensure-system-packages.sh (pnpm check does) or 'apt-get install -y redis-server'`,
  );
}

function settingArguments(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value]);
}

/** Spawns redis-server and resolves once it accepts connections; rejects with its output when it exits first. */
function spawnRedis(args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    trackChild(child);
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server did not start within ${REDIS_START_TIMEOUT_MS} ms:\n${output}`));
    }, REDIS_START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        // Keep draining, or a chatty server would block on a full pipe.
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === "ENOENT" ? missingBinary("redis-server") : error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A real `redis-server` child process on a loopback port, with its data in its own directory, for tests.
 * `kill` + `restart` simulate a crash of the Redis machine: the new process replays the same AOF on the
 * same port, so clients can reconnect to the address they had.
 */
export class RedisServerProcess {
  private constructor(
    private child: ChildProcess | undefined,
    /** The TCP port on 127.0.0.1. */
    readonly port: number,
    /** The data directory (AOF, cluster config). */
    readonly dir: string,
    private readonly args: readonly string[],
    private readonly ownsDir: boolean,
  ) {}

  /** Starts a server; settings default to the durable ones. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "chat-redis-")));
    const settings = { ...DURABLE_REDIS_SETTINGS, ...options.settings };
    let lastError: unknown;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = options.port ?? (await findFreePort());
      const args = [
        "--port",
        String(port),
        "--bind",
        LOOPBACK_HOST,
        "--dir",
        dir,
        // No RDB snapshots: the AOF is the one durable record, and snapshots would only cost disk time.
        "--save",
        "",
        "--daemonize",
        "no",
        "--logfile",
        "",
        ...settingArguments(settings),
      ];
      try {
        const child = await spawnRedis(args);
        return new RedisServerProcess(child, port, dir, args, ownsDir);
      } catch (error) {
        lastError = error;
        const portTaken = error instanceof Error && error.message.includes("Address already in use");
        if (!portTaken || options.port !== undefined) break;
      }
    }
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw lastError;
  }

  /** `redis://127.0.0.1:PORT` */
  get url(): string {
    return `redis://${LOOPBACK_HOST}:${this.port}`;
  }

  /** The process id of the running server, if it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Kills the server with SIGKILL (no shutdown, no final fsync) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill("SIGKILL");
    await waitForExit(child, REDIS_STOP_TIMEOUT_MS);
  }

  /** Starts the server again on the same port and directory (after `kill` or `stop`). */
  async restart(): Promise<void> {
    if (this.child) throw new Error("redis-server is still running");
    this.child = await spawnRedis(this.args);
  }

  /** Stops the server gracefully and removes its directory if this object created it. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) {
      child.kill("SIGTERM");
      await waitForExit(child, REDIS_STOP_TIMEOUT_MS);
    }
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }
}
