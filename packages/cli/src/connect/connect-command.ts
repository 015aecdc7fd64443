import { Command, Option } from "commander";
import { DEFAULT_GRPC_PORT, DEFAULT_HOST, DEFAULT_WIRE_PORT } from "../defaults.js";
import { parsePort } from "../option-parsers.js";
import { CONNECT_TRANSPORTS, type ConnectTransport } from "./create-client.js";
import { runConnect } from "./run-connect.js";

/** The flags as commander hands them over. */
interface ConnectFlags {
  readonly transport: ConnectTransport;
  readonly host: string;
  readonly port?: number;
  readonly yes?: true;
}

/** Builds the `connect` command; `setExitCode` receives the status to exit with once the prompt ends. */
export function createConnectCommand(setExitCode: (code: number) => void): Command {
  return new Command("connect")
    .description(
      "connect to a chat server and open a prompt (scripted line mode when stdin is not a terminal)",
    )
    .addOption(
      new Option("--transport <kind>", "protocol to speak").choices(CONNECT_TRANSPORTS).default("wire"),
    )
    .option("--host <host>", "server address", DEFAULT_HOST)
    .option(
      "--port <port>",
      `server port (default: ${DEFAULT_WIRE_PORT} for wire, ${DEFAULT_GRPC_PORT} for grpc)`,
      parsePort,
    )
    .option("-y, --yes", "delete the account on deleteacc without asking first (scripted mode never asks)")
    .addHelpText(
      "after",
      "\nCommands at the prompt: register USR [PWD], login USR [PWD], logout, deleteacc, accdump,\n" +
        "accfilter WLDCRD, message USR MSG..., help [COMMAND], quit (or exit). Type help at the prompt for\n" +
        "the rules. See the README for the scripted output format.",
    )
    .action(async (flags: ConnectFlags) => {
      const port = flags.port ?? (flags.transport === "wire" ? DEFAULT_WIRE_PORT : DEFAULT_GRPC_PORT);
      const streams = { input: process.stdin, output: process.stdout, errors: process.stderr };
      const options = { transport: flags.transport, host: flags.host, port, yes: flags.yes === true };
      setExitCode(await runConnect(options, streams));
    });
}
