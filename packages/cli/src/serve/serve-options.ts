import type { ChatLimits } from "@chat/core";
import type { ServerTlsFiles } from "../tls/tls-files.js";
import { TRANSPORT_NAMES, type TransportName } from "../transports/registry.js";
import type { LogFormat, LogLevel } from "./create-logger.js";

/** Which listeners `chat-cli serve` starts. */
export const SERVE_TRANSPORTS: readonly ServeTransport[] = [...TRANSPORT_NAMES, "both"];

/** One transport, or `both`: every transport of the registry. */
export type ServeTransport = TransportName | "both";

/** Where the server keeps accounts and queued messages. */
export type StorageChoice =
  | { readonly kind: "memory" }
  | {
      readonly kind: "sqlite";
      /** The database file, as given (relative paths are relative to the working directory). */
      readonly path: string;
    }
  | {
      readonly kind: "redis";
      /** `redis://HOST:PORT[/DB]`: shared with every other node of the deployment (docs/scale-out.md). */
      readonly url: string;
      /** Run even on Redis settings that could lose answered sends (`--redis-unsafe`). */
      readonly unsafe: boolean;
    };

/** Everything `chat-cli serve` needs, already parsed and checked by the command line parser. */
export interface ServeOptions {
  readonly transport: ServeTransport;
  readonly host: string;
  /** The port of each transport (`--port`, `--grpc-port`); 0 picks a free one. */
  readonly ports: Readonly<Record<TransportName, number>>;
  readonly storage: StorageChoice;
  readonly logLevel: LogLevel;
  /** How log lines look; `auto` is `pretty` when stderr is a terminal and `json` otherwise. */
  readonly logFormat: LogFormat;
  /** Where to serve Prometheus metrics over HTTP; absent, there is no metrics endpoint. */
  readonly metrics?: { readonly host: string; readonly port: number };
  /** TLS on every transport's port (`--tls-cert`, `--tls-key`, `--tls-ca`); absent, they speak plaintext. */
  readonly tls?: ServerTlsFiles;
  /** A plaintext listener of the default transport (`--plain-port`) next to its TLS one; only with `tls`. */
  readonly plainPort?: number;
  /**
   * Hash passwords with core's cheap test parameters instead of production scrypt (hidden flag
   * `--insecure-test-hashing`, for the CLI's own process tests). Never for real accounts.
   */
  readonly insecureTestHashing?: boolean;
  /**
   * The service's abuse limits instead of core's defaults. The command line sets the send rate
   * (`--send-burst`, `--sends-per-second`); programs that run the server themselves may set any of them,
   * like the bench, which passes `NO_ABUSE_LIMITS` because it floods on purpose.
   */
  readonly limits?: Partial<ChatLimits>;
  /** Unacknowledged messages kept per recipient (`--max-backlog`); absent, core's `DEFAULT_MAX_BACKLOG`. */
  readonly maxBacklog?: number;
}

/** The transports a {@link ServeTransport} choice starts, in the order they start and print. */
export function transportsOf(choice: ServeTransport): readonly TransportName[] {
  return choice === "both" ? TRANSPORT_NAMES : [choice];
}
