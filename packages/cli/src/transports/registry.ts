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

/**
 * What a server of a transport looks like to `chat-cli connect`'s port probe, which opens a TCP connection
 * and listens without saying anything: `http2` sends its SETTINGS frame at once (gRPC does), `silent` waits
 * for the client to speak first (the wire protocol's hello).
 */
export type ProbeSignature = "http2" | "silent";

/** What `chat-cli connect` knows of a transport beyond its descriptor, to explain a failed connect. */
export interface TransportTraits {
  /** The transport's name as prose spells it (`gRPC`). */
  readonly displayName: string;
  /** What the probe sees on a port this transport's server listens on. */
  readonly probeSignature: ProbeSignature;
  /**
   * Whether the signature names this transport for sure (an HTTP/2 SETTINGS frame) or only fits it (any
   * silent server fits the wire's); a hint then says what was seen rather than what the port speaks.
   */
  readonly signatureIsConclusive: boolean;
  /** How a port showing this signature looks, for a hint that is not conclusive. */
  readonly signatureLooksLike: string;
  /**
   * Whether its client keeps retrying a refused or silent port until a deadline (grpc-js does) instead of
   * failing at once; `connect` then probes the port first, so every transport fails as fast as the wire.
   */
  readonly probeBeforeConnect: boolean;
}

/** The traits of every transport in {@link TRANSPORTS}; the type makes a new transport add its own. */
const TRANSPORT_TRAITS: { readonly [Name in TransportName]: TransportTraits } = {
  wire: {
    displayName: "wire",
    probeSignature: "silent",
    signatureIsConclusive: false,
    signatureLooksLike: "it waits for the client, like a wire server",
    probeBeforeConnect: false,
  },
  grpc: {
    displayName: "gRPC",
    probeSignature: "http2",
    signatureIsConclusive: true,
    signatureLooksLike: "it speaks HTTP/2 first, like a gRPC server",
    probeBeforeConnect: true,
  },
};

/** The {@link TransportTraits} of a transport. */
export function transportTraits(name: TransportName): TransportTraits {
  return TRANSPORT_TRAITS[name];
}

/** The transport whose server shows `signature` to the probe, if any. */
export function transportWithSignature(signature: string): TransportName | undefined {
  return TRANSPORT_NAMES.find((name) => TRANSPORT_TRAITS[name].probeSignature === signature);
}
