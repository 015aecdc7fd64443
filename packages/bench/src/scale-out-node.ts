import { createLogger, type StorageChoice, startServer } from "@chat/cli";
import { NO_ABUSE_LIMITS } from "@chat/core";

/** A chat node of the scale-out section, as its child process runs it. */
export interface ScaleOutNode {
  /** The wire listener's port. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The storage argument of a `chat-node` child: `memory`, `sqlite:<file>` or `redis:<url>`. Passed as one
 * argument so the child's command line says at a glance what it runs on.
 */
export function storageArgument(storage: StorageChoice): string {
  if (storage.kind === "memory") return "memory";
  if (storage.kind === "sqlite") return `sqlite:${storage.path}`;
  return `redis:${storage.url}`;
}

/** The inverse of {@link storageArgument}. */
export function parseStorageArgument(argument: string | undefined): StorageChoice {
  if (argument === "memory") return { kind: "memory" };
  if (argument?.startsWith("sqlite:")) return { kind: "sqlite", path: argument.slice("sqlite:".length) };
  if (argument?.startsWith("redis:")) {
    return { kind: "redis", url: argument.slice("redis:".length), unsafe: false };
  }
  throw new Error(`chat-node: storage must be memory, sqlite:<file> or redis:<url>, got ${String(argument)}`);
}

/**
 * Starts one chat node exactly as `chat-cli serve --transport wire [--db FILE | --redis URL | --memory]`
 * does — the CLI's own `startServer`: the store (Redis with its durability check and the Redis session
 * directory, or SQLite, or memory), one `ChatService`, the wire listener on 127.0.0.1 — with three
 * differences only, as everywhere in the bench: passwords are hashed with the cheap test parameters, the
 * abuse limits refuse nothing (`NO_ABUSE_LIMITS`; their checks still run) since the bench floods from one
 * address on purpose, and only errors are logged, so the bench's progress stays readable.
 */
export async function startScaleOutNode(storage: StorageChoice): Promise<ScaleOutNode> {
  const server = await startServer(
    {
      transport: "wire",
      host: "127.0.0.1",
      ports: { wire: 0, grpc: 0 },
      storage,
      logLevel: "error",
      logFormat: "json",
      insecureTestHashing: true,
      limits: NO_ABUSE_LIMITS,
    },
    createLogger("error", "json"),
  );
  const listener = server.listeners[0];
  if (!listener) throw new Error("chat-node: the server started no listener");
  return {
    port: listener.port,
    close: async () => {
      await server.close();
    },
  };
}
