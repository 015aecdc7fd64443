import type { TransportName } from "@chat/cli";
import type { ChatClient, ClientTls } from "@chat/core";
import { GrpcClient } from "@chat/grpc";
import { WireClient } from "@chat/wire";

/**
 * The protocol variants the bench compares: each transport as a client can speak it. "Seed wire" is the
 * wire protocol with the seed's fixed-width frames (every field at full width); "compact wire" the same
 * protocol after negotiating compact framing (a length per frame and per field); "gRPC unary" one call per
 * send and ack plus a `Subscribe` stream, as generic gRPC tools speak it; "gRPC stream" one bidirectional
 * `Chat` stream per session for sends, acks and deliveries.
 */
export const VARIANTS = ["wire-fixed", "wire-compact", "grpc-unary", "grpc-stream"] as const;

/** One of {@link VARIANTS}. */
export type Variant = (typeof VARIANTS)[number];

/** How each variant is named in tables and charts. */
export const VARIANT_LABELS: Readonly<Record<Variant, string>> = {
  "wire-fixed": "seed wire",
  "wire-compact": "compact wire",
  "grpc-unary": "gRPC unary",
  "grpc-stream": "gRPC stream",
};

/** Two letters per variant, for account names (at most 16 bytes) that say which run made them. */
export const VARIANT_TAGS: Readonly<Record<Variant, string>> = {
  "wire-fixed": "wf",
  "wire-compact": "wc",
  "grpc-unary": "gu",
  "grpc-stream": "gs",
};

/** The transport of the registry a variant runs on (its server, its port, its bare baseline). */
export function transportOf(variant: Variant): TransportName {
  return variant.startsWith("wire") ? "wire" : "grpc";
}

/** A gRPC client with a TCP connection of its own, as a separate device has (see `grpcTransport`). */
const OWN_CONNECTION = { "grpc.use_local_subchannel_pool": 1 } as const;

/**
 * A client of `variant` for a server (or proxy) on 127.0.0.1: the transport's own client with the one
 * option that makes the variant, every other setting at its default (and `tls` for a TLS server). Each has
 * its own TCP connection.
 */
export function variantClient(variant: Variant, port: number, tls: ClientTls = false): ChatClient {
  const host = "127.0.0.1";
  switch (variant) {
    case "wire-fixed":
      return new WireClient({ host, port, framing: "fixed", tls });
    case "wire-compact":
      return new WireClient({ host, port, framing: "compact", tls });
    case "grpc-unary":
      return new GrpcClient({ host, port, chatStream: false, channelOptions: OWN_CONNECTION, tls });
    case "grpc-stream":
      return new GrpcClient({ host, port, chatStream: true, channelOptions: OWN_CONNECTION, tls });
  }
}

/**
 * Which framing or call style a connected, logged-in client of `variant` actually ran: what the bench
 * reports, so a client that silently fell back (a server without compact framing or `Chat`) is seen.
 */
export function ranAs(client: ChatClient): string {
  if (client instanceof WireClient) return `${client.framing} frames`;
  if (client instanceof GrpcClient) return client.mode === "stream" ? "Chat stream" : "unary calls";
  return "unknown";
}
