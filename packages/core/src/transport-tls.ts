/**
 * TLS settings every transport understands, as plain data (PEM text or bytes, as `node:tls` takes them),
 * so a registry of transports (the CLI's, the bench's) passes the same settings to each without knowing
 * how each builds its TLS. Both transports speak implicit TLS: the handshake is the first thing on the
 * connection (no STARTTLS), like XMPP's XEP-0368, IRC's port 6697 and mail's RFC 8314.
 */

/** A certificate, a chain of them, or a private key, PEM-encoded: text, or its bytes. */
export type Pem = string | Buffer;

/**
 * The oldest protocol version every TLS server and client of the chat accepts. TLS 1.0 and 1.1 are
 * deprecated (RFC 8996); HTTP/2 forbids them anyway (RFC 9113, section 9.2).
 */
export const MIN_TLS_VERSION = "TLSv1.2";

/**
 * How long a TLS server gives a new connection to finish its handshake before cutting it. Far below
 * node's 120 s default: a connection still in its handshake holds a socket but no chat connection yet, so
 * the server's connection cap cannot see it.
 */
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** A server's TLS: its identity, and optionally the CAs whose client certificates it requires. */
export interface ServerTlsOptions {
  /** The server's certificate chain, leaf first. */
  readonly cert: Pem;
  /** The private key of the leaf certificate. */
  readonly key: Pem;
  /**
   * CA certificates. When given, every client must present a certificate that chains to one of them; a
   * client without one, or with one from another CA, is refused during the handshake (mutual TLS).
   */
  readonly ca?: Pem;
  /** How long a handshake may take. Default {@link DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS}. */
  readonly handshakeTimeoutMs?: number;
}

/**
 * A client's TLS. Every field is optional: `{}` (or `true`) trusts the system's CA store and checks the
 * server's certificate against the host connected to, like `tls.connect` and a browser do.
 */
export interface ClientTlsOptions {
  /** CA certificates to trust instead of the system's (a private CA, a self-signed server). */
  readonly ca?: Pem;
  /** The client's certificate chain, for a server that requires one; needs `key`. */
  readonly cert?: Pem;
  /** The private key of `cert`. */
  readonly key?: Pem;
  /**
   * The name the server's certificate must carry (and the SNI name sent), when it is not the host
   * connected to: e.g. `localhost` while connecting to `127.0.0.1`.
   */
  readonly servername?: string;
}

/** A client's TLS setting: `true` for TLS with the defaults, options, or `false`/absent for plaintext. */
export type ClientTls = boolean | ClientTlsOptions;

/** The client TLS options a setting means, or `undefined` for plaintext. */
export function clientTlsOptions(tls: ClientTls | undefined): ClientTlsOptions | undefined {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return {};
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new TypeError("TLS client options: cert and key go together");
  }
  return tls;
}
