import { createSecureContext } from "node:tls";
import type { ClientTlsOptions, ServerTlsOptions } from "@chat/core";
import { nodeClientTlsOptions, nodeServerTlsOptions } from "@chat/core/adapter";
import { type ChannelCredentials, type ChannelOptions, credentials, ServerCredentials } from "@grpc/grpc-js";

/**
 * Server credentials from core's {@link ServerTlsOptions}, with the same handshake rules as the wire
 * listener (TLS 1.2 minimum, the handshake timeout, client certificates required with a `ca`).
 * `ServerCredentials.createSsl` cannot set the minimum version nor the handshake timeout, so this passes
 * node's TLS options to the HTTP/2 server itself, through the constructor grpc-js's credentials share.
 */
class ChatServerCredentials extends ServerCredentials {
  constructor(tls: ServerTlsOptions) {
    const { cert, key, ca, ...serverOptions } = nodeServerTlsOptions(tls);
    // grpc-js spreads the first argument into `http2.createSecureServer` and the second into the secure
    // context; a server with TLS must offer HTTP/2 by ALPN, which node's HTTP/2 server does itself.
    super(serverOptions, { cert, key, ...(ca === undefined ? {} : { ca }) });
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

/** gRPC server credentials for core's {@link ServerTlsOptions}. */
export function serverTlsCredentials(tls: ServerTlsOptions): ServerCredentials {
  return new ChatServerCredentials(tls);
}

/** A gRPC channel's credentials and the channel options that go with them, for a client's TLS. */
export interface ChannelTls {
  readonly credentials: ChannelCredentials;
  readonly channelOptions: ChannelOptions;
}

/**
 * Channel credentials for core's {@link ClientTlsOptions} towards `host`: the same verification as the
 * wire client (node's, against `ca` or the system's CAs; TLS 1.2 minimum). A `servername` becomes
 * grpc-js's target name override, which sets both the SNI name and the name checked.
 */
export function channelTls(tls: ClientTlsOptions, host: string): ChannelTls {
  const { ca, cert, key, minVersion } = nodeClientTlsOptions(tls, host);
  const context = createSecureContext({
    minVersion,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  });
  return {
    credentials: credentials.createFromSecureContext(context),
    channelOptions: tls.servername === undefined ? {} : { "grpc.ssl_target_name_override": tls.servername },
  };
}
