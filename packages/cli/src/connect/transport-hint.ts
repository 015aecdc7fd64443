import type { TransportName } from "../transports/registry.js";
import type { PortProbe } from "./probe-port.js";

/**
 * The hint for a port that speaks another protocol than the one asked for, or `undefined` when the probe
 * does not contradict the choice. A gRPC port answers with HTTP/2 at once; a wire port waits silently.
 */
export function transportHint(transport: TransportName, probe: PortProbe): string | undefined {
  if (transport === "wire" && probe.kind === "http2") return "that port speaks gRPC; try --transport grpc";
  if (transport === "grpc" && probe.kind === "silent") {
    return "that port does not speak gRPC (it waits for the client, like a wire server); try --transport wire";
  }
  if (transport === "grpc" && probe.kind === "other") return "that port does not speak gRPC";
  return undefined;
}
