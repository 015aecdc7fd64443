import { Command, Option } from "commander";
import { CliFailure, ExitCode } from "../cli-failure.js";
import { DEFAULT_HOST } from "../defaults.js";
import { parsePort } from "../option-parsers.js";
import type { ClientTlsFiles } from "../tls/tls-files.js";
import {
  DEFAULT_TRANSPORT,
  portEnvironmentVariable,
  TRANSPORT_NAMES,
  TRANSPORTS,
  type TransportName,
  transportNamed,
} from "../transports/registry.js";
import { runConnect } from "./run-connect.js";

/**
 * The environment variables of `connect`'s flags. The port comes from the same variable the server reads
 * for that transport (`CHAT_PORT`, `CHAT_GRPC_PORT`), so one environment serves both; the transport has
 * its own, because the server's `CHAT_TRANSPORT` may be `both`.
 */
export const CONNECT_ENV = {
  transport: "CHAT_CONNECT_TRANSPORT",
  host: "CHAT_HOST",
  yes: "CHAT_YES",
  noReconnect: "CHAT_NO_RECONNECT",
  // Not the server's CHAT_TLS_*: the client's certificate and the CA it trusts are other files.
  tls: "CHAT_CONNECT_TLS",
  tlsCa: "CHAT_CONNECT_TLS_CA",
  tlsCert: "CHAT_CONNECT_TLS_CERT",
  tlsKey: "CHAT_CONNECT_TLS_KEY",
} as const;

/** The port to connect to when `--port` is not given: the transport's variable, else its default. */
function portFromEnvironment(transport: TransportName): number {
  const variable = portEnvironmentVariable(transport);
  const value = process.env[variable];
  if (value === undefined || value === "") return transportNamed(transport).defaultPort;
  try {
    return parsePort(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliFailure(`environment variable ${variable}=${value} is invalid: ${reason}`, ExitCode.USAGE);
  }
}

/** The flags as commander hands them over. */
interface ConnectFlags {
  readonly transport: TransportName;
  readonly host: string;
  readonly port?: number;
  readonly yes?: true;
  readonly reconnect: boolean;
  readonly tls?: true;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** The TLS files of `--tls`, or `undefined` for plaintext; a file flag without `--tls` is a usage error. */
function tlsFrom(flags: ConnectFlags): ClientTlsFiles | undefined {
  const { tlsCa: ca, tlsCert: cert, tlsKey: key } = flags;
  if (flags.tls === undefined) {
    const stray =
      ca !== undefined
        ? "--tls-ca"
        : cert !== undefined
          ? "--tls-cert"
          : key !== undefined
            ? "--tls-key"
            : undefined;
    if (stray !== undefined) throw new CliFailure(`${stray} needs --tls`, ExitCode.USAGE);
    return undefined;
  }
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
}

/** Builds the `connect` command; `setExitCode` receives the status to exit with once the prompt ends. */
export function createConnectCommand(setExitCode: (code: number) => void): Command {
  const portDefaults = TRANSPORTS.map(
    (transport) =>
      `${transport.defaultPort} for ${transport.name}, env: ${portEnvironmentVariable(transport.name)}`,
  ).join("; ");
  return new Command("connect")
    .description(
      "connect to a chat server and open a prompt (scripted line mode when stdin is not a terminal)",
    )
    .addOption(
      new Option("--transport <kind>", "protocol to speak")
        .choices(TRANSPORT_NAMES)
        .default(DEFAULT_TRANSPORT)
        .env(CONNECT_ENV.transport),
    )
    .addOption(new Option("--host <host>", "server address").default(DEFAULT_HOST).env(CONNECT_ENV.host))
    .addOption(new Option("--port <port>", `server port (default: ${portDefaults})`).argParser(parsePort))
    .addOption(
      new Option(
        "-y, --yes",
        "delete the account on deleteacc without asking first (scripted mode never asks)",
      ).env(CONNECT_ENV.yes),
    )
    .addOption(
      new Option(
        "--no-reconnect",
        "exit with status 1 when the connection is lost, instead of reconnecting",
      ).env(CONNECT_ENV.noReconnect),
    )
    .addOption(
      new Option("--tls", "speak TLS (to a server started with --tls-cert), trusting the system's CAs").env(
        CONNECT_ENV.tls,
      ),
    )
    .addOption(
      new Option("--tls-ca <file>", "with --tls: trust this PEM CA instead of the system's").env(
        CONNECT_ENV.tlsCa,
      ),
    )
    .addOption(
      new Option(
        "--tls-cert <file>",
        "with --tls: present this PEM client certificate (needs --tls-key)",
      ).env(CONNECT_ENV.tlsCert),
    )
    .addOption(
      new Option("--tls-key <file>", "with --tls: the PEM private key of --tls-cert").env(CONNECT_ENV.tlsKey),
    )
    .addHelpText(
      "after",
      "\nCommands at the prompt: register USR [PWD], login USR [PWD], logout, deleteacc, accdump,\n" +
        "accfilter WLDCRD, message USR MSG..., help [COMMAND], quit (or exit). Type help at the prompt for\n" +
        "the rules. See the README for the scripted output format.",
    )
    .action(async (flags: ConnectFlags) => {
      const port = flags.port ?? portFromEnvironment(flags.transport);
      const streams = { input: process.stdin, output: process.stdout, errors: process.stderr };
      const tls = tlsFrom(flags);
      const options = {
        transport: flags.transport,
        host: flags.host,
        port,
        yes: flags.yes === true,
        reconnect: flags.reconnect,
        ...(tls === undefined ? {} : { tls }),
      };
      setExitCode(await runConnect(options, streams));
    });
}
