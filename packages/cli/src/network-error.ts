import { firstLine } from "./cli-failure.js";

/** The error codes Node gives failed sockets, in words people know. */
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: "the address is already in use (is another server running on it?)",
  EACCES: "permission denied (ports below 1024 need privileges)",
  EADDRNOTAVAIL: "the address is not available on this machine",
  ENOTFOUND: "the host name could not be resolved",
  ECONNREFUSED: "connection refused (is the server running?)",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

function errorCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("code" in value)) return undefined;
  return typeof value.code === "string" ? value.code : undefined;
}

/**
 * Explains a failed listen or connect in one line. Looks through the `cause` chain for Node's error code
 * because transports may wrap the socket error, and in the message text because gRPC only reports it
 * there. Anything else is described by the first line of its message.
 */
export function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    const code = errorCode(current);
    const known = code === undefined ? undefined : NETWORK_ERRORS[code];
    if (known !== undefined) return known;
    current = current instanceof Error ? current.cause : undefined;
  }
  const text = error instanceof Error ? error.message : String(error);
  for (const [code, words] of Object.entries(NETWORK_ERRORS)) {
    if (text.includes(code)) return words;
  }
  return firstLine(error);
}
