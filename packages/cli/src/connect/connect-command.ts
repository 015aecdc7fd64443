import { Command, Option } from "commander";
import { CliFailure, ExitCode } from "../cli-failure.js";
import { DEFAULT_HOST } from "../defaults.js";
import { parsePort } from "../option-parsers.js";
import type { ClientTlsFiles } from "../tls/tls-files.js";
import {
  DEFAULT_TRANSPORT,
  TRANSPORT_NAMES,
  TRANSPORTS,
  type TransportName,
  transportNamed,
} from "../transports/registry.js";
import { runConnect } from "./run-connect.js";

/** The flags as commander hands them over. */
interface ConnectFlags {
  readonly transport: TransportName;
  readonly host: string;
  readonly port?: number;
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
  return new Command("connect")
    .description(
      "connect to a chat server and open a prompt (scripted line mode when stdin is not a terminal)",
    )
    .addOption(
      new Option("--transport <kind>", "protocol to speak")
        .choices(TRANSPORT_NAMES)
        .default(DEFAULT_TRANSPORT),
    )
    .option("--host <host>", "server address", DEFAULT_HOST)
    .option(
      "--port <port>",
      `server port (default: ${TRANSPORTS.map((transport) => `${transport.defaultPort} for ${transport.name}`).join(", ")})`,
      parsePort,
    )
    .option("--no-reconnect", "exit with status 1 when the connection is lost, instead of reconnecting")
    .option("--tls", "speak TLS (to a server started with --tls-cert), trusting the system's CAs")
    .option("--tls-ca <file>", "with --tls: trust this PEM CA instead of the system's")
    .option("--tls-cert <file>", "with --tls: present this PEM client certificate (needs --tls-key)")
    .option("--tls-key <file>", "with --tls: the PEM private key of --tls-cert")
    .addHelpText(
      "after",
      "\nCommands at the prompt: register USR PWD, login USR PWD, logout, deleteacc, accdump,\n" +
        "accfilter WLDCRD, message USR MSG..., help, quit. See the README for the scripted output format.",
    )
    .action(async (flags: ConnectFlags) => {
      const port = flags.port ?? transportNamed(flags.transport).defaultPort;
      const streams = { input: process.stdin, output: process.stdout, errors: process.stderr };
      const tls = tlsFrom(flags);
      setExitCode(
        await runConnect(
          {
            transport: flags.transport,
            host: flags.host,
            port,
            reconnect: flags.reconnect,
            ...(tls === undefined ? {} : { tls }),
          },
          streams,
        ),
      );
    });
}
