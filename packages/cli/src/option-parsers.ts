import { InvalidArgumentError } from "commander";

/** Highest TCP port number. */
const MAX_PORT = 65_535;

/**
 * Parses a TCP port flag: a whole number from 0 to 65535, where 0 asks the system for a free port. Throws
 * commander's `InvalidArgumentError`, which commander turns into a one-line usage error.
 */
export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value)) throw new InvalidArgumentError("must be a port number from 0 to 65535.");
  const port = Number(value);
  if (port > MAX_PORT) throw new InvalidArgumentError("must be a port number from 0 to 65535.");
  return port;
}

/**
 * Parses a count flag (a limit): a whole number of at least 1, digits only, so `1e3` or `0x10` are
 * refused rather than read as something the operator did not mean.
 */
export function parsePositiveCount(value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError("must be a whole number of at least 1.");
  }
  return Number(value);
}

/** Formats a host and port for people: IPv6 addresses get brackets so the port stays readable. */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
