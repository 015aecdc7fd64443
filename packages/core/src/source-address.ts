/*
 * What per-address limits count under. A transport passes the peer's address as it sees it (Node's
 * `socket.remoteAddress`, or the host part of a gRPC peer); this turns it into the key its limits share.
 */

/** The key of connections without a network address (in-process clients such as `LocalClient`). */
export const LOCAL_SOURCE = "local";

/** How many leading bits of an IPv6 address name one source: a /64 is what one subscriber gets. */
export const IPV6_SOURCE_PREFIX_BITS = 64;

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The eight 16-bit groups of an IPv6 address (`::` expanded), or `undefined` when it is not one. */
function ipv6Groups(address: string): string[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : (halves[0] as string).split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? (halves[1] as string).split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail];
  return groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group)) ? groups : undefined;
}

/**
 * The source an address counts as: an IPv4 address itself (an IPv4-mapped IPv6 address as its IPv4
 * form), an IPv6 address by its first {@link IPV6_SOURCE_PREFIX_BITS} bits (anyone holding one address
 * of a /64 holds them all), and {@link LOCAL_SOURCE} for none. Anything else is used as it is.
 */
export function sourceOf(address: string | undefined): string {
  if (address === undefined || address === "") return LOCAL_SOURCE;
  const bare = address.replace(/%.*$/, "");
  const mapped = IPV4_MAPPED.exec(bare);
  if (mapped) return mapped[1] as string;
  if (!bare.includes(":")) return bare;
  const groups = ipv6Groups(bare);
  if (groups === undefined) return bare;
  const kept = groups
    .slice(0, IPV6_SOURCE_PREFIX_BITS / 16)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""));
  return `${kept.join(":")}::/${IPV6_SOURCE_PREFIX_BITS}`;
}
