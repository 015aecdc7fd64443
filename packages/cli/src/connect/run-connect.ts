import type { ChatClient } from "@chat/core";
import { CliFailure, ExitCode, type ExitCodeValue } from "../cli-failure.js";
import { routeGrpcLogs } from "../grpc-logging.js";
import { describeNetworkError } from "../network-error.js";
import { formatAddress } from "../option-parsers.js";
import { silenceAddressSniWarning } from "../tls/silence-address-sni-warning.js";
import { type ClientTlsFiles, readClientTls } from "../tls/tls-files.js";
import { type TransportName, transportNamed, transportTraits } from "../transports/registry.js";
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
  /** Reconnect after a lost connection (the default); false exits with status 1 instead. */
  readonly reconnect?: boolean;
  /** Speak TLS (`--tls`), with these files (each optional); absent, plaintext. */
  readonly tls?: ClientTlsFiles;
}

/** The process streams `chat-cli connect` talks through. */
export interface ConnectStreams {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  readonly errors: NodeJS.WritableStream;
}

/**
 * `chat-cli connect`: connects, then runs the interactive prompt when both stdin and stdout are terminals
 * and the scripted mode otherwise. Resolves with 0 after `quit` or the end of input. A lost connection is
 * reported in one line and the client reconnects (logging in again, resending what was unanswered), saying
 * so in another line once it is back; with `reconnect: false`, or when the client cannot come back (the
 * session was taken over, the account deleted), it says why in one line on stderr and resolves with 1.
 * A server that cannot be reached at all at the start rejects with a `CliFailure`.
 */
export async function runConnect(options: ConnectOptions, streams: ConnectStreams): Promise<ExitCodeValue> {
  const address = `${formatAddress(options.host, options.port)} (${options.transport}${options.tls === undefined ? "" : ", TLS"})`;
  routeGrpcLogs();
  const cannotConnect = (reason: string, cause: unknown): CliFailure =>
    new CliFailure(`cannot connect to the server at ${address}: ${reason}`, undefined, { cause });
  const traits = transportTraits(options.transport);
  // Every TLS port stays silent until the client's hello, whatever it speaks above TLS: the probe still
  // tells an unreachable port, but its protocol signature means nothing there.
  const secure = options.tls !== undefined;
  if (traits.probeBeforeConnect) {
    // This client retries a refused or silent port until its deadline; a probe answers at once instead.
    const probe = await probePort(options.host, options.port);
    if (probe.kind === "unreachable") throw cannotConnect(describeNetworkError(probe.error), probe.error);
    const hint = secure ? undefined : transportHint(options.transport, probe);
    if (hint !== undefined) throw cannotConnect(hint, undefined);
  }
  const reconnect = options.reconnect ?? true;
  const transport = transportNamed(options.transport);
  const tls = options.tls === undefined ? false : await readClientTls(options.tls);
  if (tls !== false) silenceAddressSniWarning();
  const client = transport.createClient({ host: options.host, port: options.port }, { reconnect, tls });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    // A client that fails fast by itself was not probed first: only now is it worth finding out what the
    // port speaks.
    const hint =
      traits.probeBeforeConnect || secure
        ? undefined
        : transportHint(options.transport, await probePort(options.host, options.port));
    throw cannotConnect(hint ?? describeNetworkError(error), error);
  }
  const interactive = streams.input.isTTY === true && streams.output.isTTY === true;
  // Which framing (or call style) the connection negotiated, e.g. "compact frames".
  const speaking = transport.describeClient?.(client);
  const banner = `chat-cli ${CLI_VERSION}: connected to ${address}${speaking === undefined ? "" : `, ${speaking}`}; type help`;
  const mode: PromptMode = interactive
    ? startInteractive(client, streams, {
        banner,
        confirmDelete: options.yes !== true,
        unavailableIsLoss: !reconnect,
      })
    : startScripted(client, streams, !reconnect);
  if (reconnect) void reportReconnects(client, mode, address);
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

/** One line when the connection is lost, one when it is back; the prompt and its half-typed line stay. */
async function reportReconnects(client: ChatClient, mode: PromptMode, address: string): Promise<void> {
  for await (const status of client.status()) {
    if (status.type === "disconnected") {
      mode.notice(
        `chat-cli: lost the connection to the server at ${address}: ${describeNetworkError(status.reason)}; reconnecting`,
      );
    } else if (status.type === "reconnected") {
      mode.notice(`chat-cli: reconnected to the server at ${address}`);
    }
  }
}
