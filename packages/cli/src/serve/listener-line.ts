import type { TransportAddress } from "@chat/core";
import { formatAddress } from "../option-parsers.js";
import { isTransportName, type TransportName } from "../transports/registry.js";

/** What a listener line announces: a transport's listener, or the metrics endpoint. */
export type ListenerKind = TransportName | "metrics";

/** One announced listener. */
export interface AnnouncedListener extends TransportAddress {
  readonly transport: ListenerKind;
  /** The extra plaintext listener of `--plain-port`, next to TLS ones. */
  readonly plaintext?: true;
}

/** Matches a listener line; the host may be bracketed (IPv6). The name is checked against the registry. */
const LISTENER_LINE = /^([a-z0-9-]+) listening on \[?([^\]]+?)\]?:(\d+)$/;
/** What follows a transport's name in the line of its extra plaintext listener (`--plain-port`). */
const PLAINTEXT_SUFFIX = "-plaintext";

/**
 * The stdout line announcing a listener, e.g. `wire listening on 127.0.0.1:5000` (`metrics listening
 * on …` for the metrics endpoint, `wire-plaintext listening on …` for the plaintext listener of
 * `--plain-port` next to TLS ones). A stable format: tests, the bench and scripts learn the port a
 * `--port 0` server picked with {@link parseListenerLine}.
 */
export function listenerLine(listener: AnnouncedListener): string {
  const name = listener.plaintext ? `${listener.transport}${PLAINTEXT_SUFFIX}` : listener.transport;
  return `${name} listening on ${formatAddress(listener.host, listener.port)}`;
}

/** Reads a line printed by {@link listenerLine}; `undefined` for any other line. */
export function parseListenerLine(line: string): AnnouncedListener | undefined {
  const match = LISTENER_LINE.exec(line.trim());
  if (match === null) return undefined;
  const [, name, host, port] = match;
  if (name === undefined || host === undefined || port === undefined) return undefined;
  const plaintext = name.endsWith(PLAINTEXT_SUFFIX);
  const transport = plaintext ? name.slice(0, -PLAINTEXT_SUFFIX.length) : name;
  if (!isTransportName(transport) && (plaintext || transport !== "metrics")) return undefined;
  return { transport, host, port: Number(port), ...(plaintext ? { plaintext } : {}) };
}
