import { type TransportName, transportTraits, transportWithSignature } from "../transports/registry.js";
import type { PortProbe } from "./probe-port.js";

/**
 * The hint for a port that speaks another protocol than the one asked for, or `undefined` when the probe
 * does not contradict the choice (or could not reach the port). What each transport's server looks like to
 * the probe is in the registry's traits, so nothing here names a transport.
 */
export function transportHint(transport: TransportName, probe: PortProbe): string | undefined {
  if (probe.kind === "unreachable") return undefined;
  const asked = transportTraits(transport);
  if (probe.kind === asked.probeSignature) return undefined;
  const other = transportWithSignature(probe.kind);
  if (other === undefined) return `that port does not speak ${asked.displayName}`;
  const seen = transportTraits(other);
  if (seen.signatureIsConclusive) return `that port speaks ${seen.displayName}; try --transport ${other}`;
  return `that port does not speak ${asked.displayName} (${seen.signatureLooksLike}); try --transport ${other}`;
}
