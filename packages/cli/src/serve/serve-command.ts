import type { TransportDescriptor } from "@chat/core";
import { Command, Option } from "commander";
import { CliFailure, ExitCode } from "../cli-failure.js";
import { DEFAULT_DB_FILE, DEFAULT_HOST } from "../defaults.js";
import { parsePort } from "../option-parsers.js";
import { DEFAULT_TRANSPORT, servePortFlag, TRANSPORTS, type TransportName } from "../transports/registry.js";
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, type LogLevel } from "./create-logger.js";
import { parseRedisUrl } from "./redis-url.js";
import { runServe } from "./run-serve.js";
import {
  SERVE_TRANSPORTS,
  type ServeOptions,
  type ServeTransport,
  type StorageChoice,
} from "./serve-options.js";

/** The `--port`-style option of one transport, defaulting to the descriptor's port. */
function portOption(transport: TransportDescriptor<TransportName>): Option {
  return new Option(`${servePortFlag(transport.name)} <port>`, `${transport.name} port (0 picks a free one)`)
    .argParser(parsePort)
    .default(transport.defaultPort);
}

/**
 * The flags as commander hands them over, before they become {@link ServeOptions}. The port flags are
 * keyed by their attribute names (`port`, `grpcPort`), which {@link portOption} knows.
 */
interface ServeFlags {
  readonly transport: ServeTransport;
  readonly host: string;
  readonly [portAttribute: string]: unknown;
  readonly db?: string;
  readonly memory?: true;
  readonly redis?: string;
  readonly redisUnsafe?: true;
  readonly logLevel: LogLevel;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
  readonly plainPort?: number;
  readonly insecureTestHashing?: true;
}

/** `--tls-cert` and `--tls-key` as {@link ServeOptions}' `tls`, checked: both or neither, the rest need them. */
function tlsFrom(flags: ServeFlags): Pick<ServeOptions, "tls" | "plainPort"> {
  const { tlsCert: cert, tlsKey: key, tlsCa: ca, plainPort } = flags;
  if (cert === undefined && key === undefined) {
    const stray = ca !== undefined ? "--tls-ca" : plainPort !== undefined ? "--plain-port" : undefined;
    if (stray !== undefined) throw new CliFailure(`${stray} needs --tls-cert and --tls-key`, ExitCode.USAGE);
    return {};
  }
  if (cert === undefined || key === undefined) {
    throw new CliFailure("--tls-cert and --tls-key go together", ExitCode.USAGE);
  }
  return {
    tls: { cert, key, ...(ca === undefined ? {} : { ca }) },
    ...(plainPort === undefined ? {} : { plainPort }),
  };
}

function storageChoiceFrom(flags: ServeFlags): StorageChoice {
  if (flags.redis !== undefined)
    return { kind: "redis", url: flags.redis, unsafe: flags.redisUnsafe === true };
  return flags.memory ? { kind: "memory" } : { kind: "sqlite", path: flags.db ?? DEFAULT_DB_FILE };
}

function portsFrom(flags: ServeFlags): Record<TransportName, number> {
  const ports: Partial<Record<TransportName, number>> = {};
  for (const transport of TRANSPORTS) {
    const port = flags[portOption(transport).attributeName()];
    // Commander applies the default and the parser, so anything but a number is a bug here.
    if (typeof port !== "number") throw new Error(`no port parsed for ${transport.name}`);
    ports[transport.name] = port;
  }
  return ports as Record<TransportName, number>;
}

/** Turns parsed flags into options; `--memory` and `--db` cannot both be given (commander checks). */
export function serveOptionsFrom(flags: ServeFlags): ServeOptions {
  return {
    transport: flags.transport,
    host: flags.host,
    ports: portsFrom(flags),
    storage: storageChoiceFrom(flags),
    logLevel: flags.logLevel,
    ...tlsFrom(flags),
    ...(flags.insecureTestHashing ? { insecureTestHashing: true } : {}),
  };
}

/**
 * Builds the `serve` command. `setExitCode` receives the status the process should end with once the
 * server has stopped; failures to start reject the action with a `CliFailure`.
 */
export function createServeCommand(setExitCode: (code: number) => void): Command {
  const command = new Command("serve")
    .description("run the chat server: wire and/or gRPC listeners on one shared service")
    .addOption(
      new Option("--transport <kind>", "which listeners to start").choices(SERVE_TRANSPORTS).default("both"),
    )
    .option(
      "--host <host>",
      "address to listen on (0.0.0.0 exposes the server to the network)",
      DEFAULT_HOST,
    );
  for (const transport of TRANSPORTS) command.addOption(portOption(transport));
  return (
    command
      .addOption(
        new Option("--db <file>", `SQLite database file (default: ./${DEFAULT_DB_FILE})`).conflicts("memory"),
      )
      .addOption(
        new Option("--memory", "keep everything in memory: nothing survives a restart").conflicts("redis"),
      )
      .addOption(
        new Option(
          "--redis <url>",
          "keep everything in Redis (redis://HOST:PORT[/DB]), shared by every node pointed at it",
        )
          .env("CHAT_REDIS_URL")
          .argParser(parseRedisUrl)
          .conflicts("db"),
      )
      .option(
        "--redis-unsafe",
        "run even on Redis settings that could lose acknowledged sends (experiments only)",
      )
      .option(
        "--tls-cert <file>",
        "serve TLS on every port with this PEM certificate chain (needs --tls-key); no plaintext then",
      )
      .option("--tls-key <file>", "the PEM private key of --tls-cert")
      .option("--tls-ca <file>", "require client certificates issued by this PEM CA (with --tls-cert)")
      .addOption(
        new Option(
          "--plain-port <port>",
          `also serve plaintext ${DEFAULT_TRANSPORT} on this port, for clients that cannot do TLS (with --tls-cert)`,
        ).argParser(parsePort),
      )
      .addOption(
        new Option("--log-level <level>", "least severe log level written to stderr")
          .choices(LOG_LEVELS)
          .default(DEFAULT_LOG_LEVEL),
      )
      // Hidden: the process tests would otherwise spend most of their time in production scrypt.
      .addOption(new Option("--insecure-test-hashing", "weak password hashing for tests").hideHelp())
      .addHelpText(
        "after",
        "\nStdout gets one line per listener, e.g. `wire listening on 127.0.0.1:5000`; structured JSON logs go\n" +
          "to stderr. SIGINT/SIGTERM shut down gracefully and exit 0.",
      )
      .action(async (flags: ServeFlags) => {
        setExitCode(await runServe(serveOptionsFrom(flags), process.stdout));
      })
  );
}
