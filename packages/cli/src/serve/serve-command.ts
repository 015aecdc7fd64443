import { DEFAULT_MAX_BACKLOG, DEFAULT_SENDS_PER_SESSION, type TransportDescriptor } from "@chat/core";
import { Command, Option } from "commander";
import { CliFailure, ExitCode } from "../cli-failure.js";
import { DEFAULT_DB_FILE, DEFAULT_HOST } from "../defaults.js";
import { parsePort, parsePositiveCount } from "../option-parsers.js";
import {
  DEFAULT_TRANSPORT,
  portEnvironmentVariable,
  servePortFlag,
  TRANSPORTS,
  type TransportName,
} from "../transports/registry.js";
import {
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
} from "./create-logger.js";
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
    .default(transport.defaultPort)
    .env(portEnvironmentVariable(transport.name));
}

/**
 * The environment variable of every other `serve` flag (the ports' are {@link portEnvironmentVariable}'s):
 * each flag can be set either way, the flag winning.
 */
export const SERVE_ENV = {
  transport: "CHAT_TRANSPORT",
  host: "CHAT_HOST",
  db: "CHAT_DB",
  memory: "CHAT_MEMORY",
  redis: "CHAT_REDIS_URL",
  redisUnsafe: "CHAT_REDIS_UNSAFE",
  logLevel: "CHAT_LOG_LEVEL",
  logFormat: "CHAT_LOG_FORMAT",
  metricsPort: "CHAT_METRICS_PORT",
  metricsHost: "CHAT_METRICS_HOST",
  sendBurst: "CHAT_SEND_BURST",
  sendsPerSecond: "CHAT_SENDS_PER_SECOND",
  maxBacklog: "CHAT_MAX_BACKLOG",
  tlsCert: "CHAT_TLS_CERT",
  tlsKey: "CHAT_TLS_KEY",
  tlsCa: "CHAT_TLS_CA",
  plainPort: "CHAT_PLAIN_PORT",
} as const;

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
  readonly logFormat: LogFormat;
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  readonly sendBurst: number;
  readonly sendsPerSecond: number;
  readonly maxBacklog: number;
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
    logFormat: flags.logFormat,
    ...(flags.metricsPort === undefined
      ? {}
      : { metrics: { host: flags.metricsHost ?? flags.host, port: flags.metricsPort } }),
    ...tlsFrom(flags),
    ...(flags.insecureTestHashing ? { insecureTestHashing: true } : {}),
    limits: { sendsPerSession: { burst: flags.sendBurst, perSecond: flags.sendsPerSecond } },
    maxBacklog: flags.maxBacklog,
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
      new Option("--transport <kind>", "which listeners to start")
        .choices(SERVE_TRANSPORTS)
        .default("both")
        .env(SERVE_ENV.transport),
    )
    .addOption(
      new Option("--host <host>", "address to listen on (0.0.0.0 exposes the server to the network)")
        .default(DEFAULT_HOST)
        .env(SERVE_ENV.host),
    );
  for (const transport of TRANSPORTS) command.addOption(portOption(transport));
  return (
    command
      .addOption(
        new Option("--db <file>", `SQLite database file (default: ./${DEFAULT_DB_FILE})`)
          .conflicts("memory")
          .env(SERVE_ENV.db),
      )
      .addOption(
        new Option(
          "--memory",
          "keep everything in memory: nothing survives a restart (its variable: any value turns it on)",
        ).env(SERVE_ENV.memory),
      )
      .addOption(
        new Option(
          "--redis <url>",
          "keep everything in Redis (redis://HOST:PORT[/DB]), shared by every node pointed at it",
        )
          .env(SERVE_ENV.redis)
          .argParser(parseRedisUrl)
          .conflicts(["db", "memory"]),
      )
      .addOption(
        new Option(
          "--redis-unsafe",
          "run even on Redis settings that could lose acknowledged sends (experiments only; its variable: any value)",
        ).env(SERVE_ENV.redisUnsafe),
      )
      .addOption(
        new Option(
          "--tls-cert <file>",
          "serve TLS on every port with this PEM certificate chain (needs --tls-key); no plaintext then",
        ).env(SERVE_ENV.tlsCert),
      )
      .addOption(new Option("--tls-key <file>", "the PEM private key of --tls-cert").env(SERVE_ENV.tlsKey))
      .addOption(
        new Option(
          "--tls-ca <file>",
          "require client certificates issued by this PEM CA (with --tls-cert)",
        ).env(SERVE_ENV.tlsCa),
      )
      .addOption(
        new Option(
          "--plain-port <port>",
          `also serve plaintext ${DEFAULT_TRANSPORT} on this port, for clients that cannot do TLS (with --tls-cert)`,
        )
          .argParser(parsePort)
          .env(SERVE_ENV.plainPort),
      )
      .addOption(
        new Option("--log-level <level>", "least severe log level written to stderr")
          .choices(LOG_LEVELS)
          .default(DEFAULT_LOG_LEVEL)
          .env(SERVE_ENV.logLevel),
      )
      .addOption(
        new Option(
          "--log-format <format>",
          "log lines on stderr: auto is pretty on a terminal, json otherwise",
        )
          .choices(LOG_FORMATS)
          .default(DEFAULT_LOG_FORMAT)
          .env(SERVE_ENV.logFormat),
      )
      .addOption(
        new Option(
          "--metrics-port <port>",
          "serve Prometheus metrics at http://HOST:PORT/metrics (default: off)",
        )
          .argParser(parsePort)
          .env(SERVE_ENV.metricsPort),
      )
      .addOption(
        new Option("--metrics-host <host>", "address of the metrics endpoint (default: the --host)").env(
          SERVE_ENV.metricsHost,
        ),
      )
      .addOption(
        new Option("--send-burst <count>", "sends a session may make at once before the rate below applies")
          .argParser(parsePositiveCount)
          .default(DEFAULT_SENDS_PER_SESSION.burst)
          .env(SERVE_ENV.sendBurst),
      )
      .addOption(
        new Option("--sends-per-second <count>", "steady sends per second per session past the burst")
          .argParser(parsePositiveCount)
          .default(DEFAULT_SENDS_PER_SESSION.perSecond)
          .env(SERVE_ENV.sendsPerSecond),
      )
      .addOption(
        new Option(
          "--max-backlog <count>",
          "unacknowledged messages kept per recipient; sends past it are refused",
        )
          .argParser(parsePositiveCount)
          .default(DEFAULT_MAX_BACKLOG)
          .env(SERVE_ENV.maxBacklog),
      )
      // Hidden: the process tests would otherwise spend most of their time in production scrypt.
      .addOption(new Option("--insecure-test-hashing", "weak password hashing for tests").hideHelp())
      .addHelpText(
        "after",
        "\nEvery flag can also be set from the environment variable shown; a flag on the command line wins.\n" +
          "Stdout gets one line per listener, e.g. `wire listening on 127.0.0.1:5000`; logs go to stderr.\n" +
          "The gRPC port also serves grpc.health.v1.Health. SIGINT/SIGTERM shut down gracefully and exit 0.",
      )
      .action(async (flags: ServeFlags) => {
        setExitCode(await runServe(serveOptionsFrom(flags), process.stdout));
      })
  );
}
