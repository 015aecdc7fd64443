import { CliFailure, ExitCode, type ExitCodeValue } from "../cli-failure.js";
import { routeGrpcLogs } from "../grpc-logging.js";
import { describeNetworkError } from "../network-error.js";
import { formatAddress } from "../option-parsers.js";
import { type TransportName, transportNamed } from "../transports/registry.js";
import { CLI_VERSION } from "../version.js";
import { startInteractive } from "./interactive-mode.js";
import { probePort } from "./probe-port.js";
import type { PromptMode } from "./prompt-mode.js";
import { startScripted } from "./scripted-mode.js";
import { transportHint } from "./transport-hint.js";

/** Everything `chat-cli connect` needs, already parsed. */
export interface ConnectOptions {
  readonly transport: TransportName;
  readonly host: string;
  readonly port: number;
  /** Skip the confirmation `deleteacc` asks for in a terminal (`--yes`). */
  readonly yes?: boolean;
}

/** The process streams `chat-cli connect` talks through. */
export interface ConnectStreams {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  readonly errors: NodeJS.WritableStream;
}

/**
 * `chat-cli connect`: connects, then runs the interactive prompt when both stdin and stdout are terminals
 * and the scripted mode otherwise. Resolves with 0 after `quit` or the end of input; when the server goes
 * away first (shut down, crashed, dropped the connection) says so in one line on stderr and resolves with
 * 1. A server that cannot be reached at all rejects with a `CliFailure`.
 */
export async function runConnect(options: ConnectOptions, streams: ConnectStreams): Promise<ExitCodeValue> {
  const address = `${formatAddress(options.host, options.port)} (${options.transport})`;
  routeGrpcLogs();
  const cannotConnect = (reason: string, cause: unknown): CliFailure =>
    new CliFailure(`cannot connect to the server at ${address}: ${reason}`, undefined, { cause });
  if (options.transport === "grpc") {
    // grpc-js retries a refused or silent port until its deadline; a probe answers at once instead.
    const probe = await probePort(options.host, options.port);
    if (probe.kind === "unreachable") throw cannotConnect(describeNetworkError(probe.error), probe.error);
    const hint = transportHint("grpc", probe);
    if (hint !== undefined) throw cannotConnect(hint, undefined);
  }
  const client = transportNamed(options.transport).createClient({ host: options.host, port: options.port });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    // The wire client fails fast by itself; only then is it worth finding out what the port speaks.
    const hint =
      options.transport === "wire"
        ? transportHint("wire", await probePort(options.host, options.port))
        : undefined;
    throw cannotConnect(hint ?? describeNetworkError(error), error);
  }
  const interactive = streams.input.isTTY === true && streams.output.isTTY === true;
  const mode: PromptMode = interactive
    ? startInteractive(client, streams, {
        banner: `chat-cli ${CLI_VERSION}: connected to ${address}; type help, or quit to leave`,
        confirmDelete: options.yes !== true,
      })
    : startScripted(client, streams);
  const ended = await Promise.race([
    mode.done.then(() => ({ lost: false as const })),
    client.closed.then((reason) => ({ lost: true as const, reason })),
    mode.lost.then((reason) => ({ lost: true as const, reason })),
  ]);
  if (!ended.lost) {
    await client.close();
    return ExitCode.OK;
  }
  const why = ended.reason === undefined ? "the connection was closed" : describeNetworkError(ended.reason);
  mode.abort(`chat-cli: lost the connection to the server at ${address}: ${why}`);
  return ExitCode.FAILURE;
}
