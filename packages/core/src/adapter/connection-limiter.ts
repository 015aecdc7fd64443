/**
 * Default most simultaneous connections from one address, on every transport: ergo's default
 * (`max-concurrent-connections` 16 per IP). Enough for a household behind one NAT with several devices,
 * few enough that one host cannot fill the server.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 16;

/** Options of a {@link ConnectionLimiter}. */
export interface ConnectionLimiterOptions {
  /** Most connections open at once over all addresses. */
  readonly maxConnections: number;
  /** Most connections open at once from one address. Default {@link DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}. */
  readonly maxConnectionsPerAddress?: number;
}

/** Why a {@link ConnectionLimiter} refused a connection. */
export type ConnectionRefusal = "server-full" | "address-full";

/** A slot a {@link ConnectionLimiter} granted: give it back once, when the connection closes. */
export interface ConnectionSlot {
  /** The connection closed: the slot is free again. Idempotent. */
  release(): void;
}

/** What {@link ConnectionLimiter.admit} answers: a slot, or why there is none. */
export type Admission =
  | { readonly admitted: true; readonly slot: ConnectionSlot }
  | { readonly admitted: false; readonly refusal: ConnectionRefusal };

/**
 * Counts the open connections of a server, in all and per remote address, and refuses one past either cap,
 * so neither many hosts nor one host can lock everyone else out. Written once for every transport; the
 * transport only asks before it does any work for a socket and releases the slot when the socket closes.
 *
 * IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) count as their IPv4 address, so a dual-stack listener
 * cannot be used to get twice the per-address share.
 */
export class ConnectionLimiter {
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(options: ConnectionLimiterOptions) {
    this.maxConnections = positiveInteger(options.maxConnections, "maxConnections");
    this.maxConnectionsPerAddress = positiveInteger(
      options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
      "maxConnectionsPerAddress",
    );
  }

  /** Connections open now. */
  get size(): number {
    return this.total;
  }

  /** Connections open now from `address`. */
  countFrom(address: string | undefined): number {
    return this.perAddress.get(addressKey(address)) ?? 0;
  }

  /** Takes a slot for a new connection from `address`, or says which cap it would pass. */
  admit(address: string | undefined): Admission {
    if (this.total >= this.maxConnections) return { admitted: false, refusal: "server-full" };
    const key = addressKey(address);
    const count = this.perAddress.get(key) ?? 0;
    if (count >= this.maxConnectionsPerAddress) return { admitted: false, refusal: "address-full" };
    this.perAddress.set(key, count + 1);
    this.total++;
    let released = false;
    return {
      admitted: true,
      slot: {
        release: () => {
          if (released) return;
          released = true;
          this.total--;
          const left = (this.perAddress.get(key) ?? 1) - 1;
          if (left === 0) this.perAddress.delete(key);
          else this.perAddress.set(key, left);
        },
      },
    };
  }
}

/** What a refusal tells the client. */
export function connectionRefusalText(refusal: ConnectionRefusal): string {
  return refusal === "server-full"
    ? "the server is full; try again later"
    : "too many connections from your address; close one and try again";
}

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** The key an address counts under; a socket already gone (no address) shares one key. */
function addressKey(address: string | undefined): string {
  if (address === undefined) return "";
  return IPV4_MAPPED.exec(address)?.[1] ?? address.toLowerCase();
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
