import { isIP } from "node:net";
import type { ConnectionOptions, TlsOptions } from "node:tls";
import {
  type ClientTlsOptions,
  DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  MIN_TLS_VERSION,
  type ServerTlsOptions,
} from "../transport-tls.js";

/**
 * `node:tls` server options for a transport's {@link ServerTlsOptions}, written once so the wire listener
 * and the HTTP/2 listener of gRPC refuse the same handshakes: below {@link MIN_TLS_VERSION}, too slow, or
 * (with a `ca`) without a client certificate from that CA.
 */
export function nodeServerTlsOptions(tls: ServerTlsOptions): TlsOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: MIN_TLS_VERSION,
    handshakeTimeout: tls.handshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
    // node only checks client certificates it asked for; `rejectUnauthorized` then refuses a missing one.
    ...(tls.ca === undefined ? {} : { ca: tls.ca, requestCert: true, rejectUnauthorized: true }),
  };
}

/**
 * `node:tls` connection options for a client's {@link ClientTlsOptions} towards `host`. The server's
 * certificate is always verified (there is no "insecure" switch: a test or private server passes its CA).
 */
export function nodeClientTlsOptions(tls: ClientTlsOptions, host: string): ConnectionOptions {
  // SNI carries host names, never addresses (RFC 6066, section 3); node checks an address against the
  // certificate's IP entries when no name is given.
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  return {
    minVersion: MIN_TLS_VERSION,
    rejectUnauthorized: true,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(servername === undefined ? {} : { servername }),
  };
}
