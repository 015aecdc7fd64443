import type { ChatClientOptions, ClientTls } from "@chat/core";
import type { Framing } from "./compact-layout.js";

/** Default silence after which the client pings the server. */
export const DEFAULT_CLIENT_HEARTBEAT_INTERVAL_MS = 15_000;
/** Default silence after which the client gives the server up. */
export const DEFAULT_CLIENT_HEARTBEAT_TIMEOUT_MS = 45_000;

/**
 * Settings of a {@link WireClient}. Durations are in milliseconds. The request deadline
 * (`requestTimeoutMs`, default `DEFAULT_REQUEST_TIMEOUT_MS`) and `connectTimeoutMs` (the hello included,
 * default `DEFAULT_CONNECT_TIMEOUT_MS`) are core's, the same on every transport.
 */
export interface WireClientOptions extends ChatClientOptions {
  /** Server host name or address. */
  readonly host: string;
  /** Server port. */
  readonly port: number;
  /**
   * Ping the server after this much silence; 0 turns the client's own pings off. Default
   * {@link DEFAULT_CLIENT_HEARTBEAT_INTERVAL_MS}.
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * Give up on a server silent for this long (`closed` then resolves with `UNAVAILABLE`). Default
   * {@link DEFAULT_CLIENT_HEARTBEAT_TIMEOUT_MS}.
   */
  readonly heartbeatTimeoutMs?: number;
  /**
   * `compact` (the default) asks the server for compact framing, which it uses when granted; `fixed` keeps
   * the fixed-width frames (what a server without the feature speaks anyway).
   */
  readonly framing?: Framing;
  /**
   * Speak implicit TLS to a server started with `tls`: `true` trusts the system's CAs, or give
   * `{ ca, cert, key, servername }` (a private CA; a client certificate for a server that requires one;
   * the name the certificate must carry when it is not `host`). The server's certificate is always
   * verified, and TLS 1.2 is the minimum. Default plaintext.
   */
  readonly tls?: ClientTls;
}
