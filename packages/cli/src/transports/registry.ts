import type { TransportDescriptor } from "@chat/core";
import { grpcTransport } from "@chat/grpc";
import { wireTransport } from "@chat/wire";

/**
 * Every transport `chat-cli` (and the bench) can serve and speak, in the order listeners start and print.
 * The first is the default of `chat-cli connect --transport` and owns the plain `--port` flag of
 * `chat-cli serve`. Adding a transport is adding its descriptor here; nothing else in the CLI names one.
 */
export const TRANSPORTS = [wireTransport, grpcTransport] as const;

/** The name of a transport in {@link TRANSPORTS}: `"wire" | "grpc"`. */
export type TransportName = (typeof TRANSPORTS)[number]["name"];

/** The names of {@link TRANSPORTS}, in the same order: the choices of every `--transport` flag. */
export const TRANSPORT_NAMES: readonly TransportName[] = TRANSPORTS.map((transport) => transport.name);

/** The transport `chat-cli connect` speaks when no `--transport` is given. */
export const DEFAULT_TRANSPORT: TransportName = TRANSPORTS[0].name;

/** Whether a string names a transport in {@link TRANSPORTS}. */
export function isTransportName(value: string): value is TransportName {
  return (TRANSPORT_NAMES as readonly string[]).includes(value);
}

/** The descriptor of a transport: the one lookup by name in the CLI. */
export function transportNamed(name: TransportName): TransportDescriptor<TransportName> {
  const found = TRANSPORTS.find((transport) => transport.name === name);
  // Unreachable for a TransportName; a clear error beats `undefined` if a caller casts a string.
  if (found === undefined) throw new Error(`unknown transport ${name}`);
  return found;
}

/**
 * The `chat-cli serve` flag that sets a transport's port: `--port` for the default transport (the seed's
 * flag, for the wire protocol), `--<name>-port` for every other (`--grpc-port`).
 */
export function servePortFlag(name: TransportName): string {
  return name === DEFAULT_TRANSPORT ? "--port" : `--${name}-port`;
}

/**
 * The environment variable that sets a transport's port, for `serve` and `connect` alike: `CHAT_PORT` for
 * the default transport, `CHAT_<NAME>_PORT` for every other (`CHAT_GRPC_PORT`), matching
 * {@link servePortFlag}.
 */
export function portEnvironmentVariable(name: TransportName): string {
  return name === DEFAULT_TRANSPORT ? "CHAT_PORT" : `CHAT_${name.toUpperCase().replaceAll("-", "_")}_PORT`;
}
