/** Settings of a {@link WireClient}. Durations are in milliseconds. */
export interface WireClientOptions {
  /** Server host name or address. */
  readonly host: string;
  /** Server port. */
  readonly port: number;
  /** How long `connect()` may take, hello included. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Ping the server after this much silence; 0 turns the client's own pings off. Default 15 s. */
  readonly heartbeatIntervalMs?: number;
  /** Give up on a server silent for this long (`closed` then resolves with `UNAVAILABLE`). Default 45 s. */
  readonly heartbeatTimeoutMs?: number;
}
