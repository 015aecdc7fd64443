import type { TransportDescriptor } from "@chat/core";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

/** The wire protocol's port when none is given: the seed's. */
export const DEFAULT_WIRE_PORT = 5000;

/**
 * The wire protocol as a registry entry: the one place that says how to make its server and client from
 * nothing but a service and an address. Every other setting keeps its default (see `WireServerOptions`).
 */
export const wireTransport: TransportDescriptor<"wire"> = {
  name: "wire",
  defaultPort: DEFAULT_WIRE_PORT,
  createServer: (service, options = {}) => new WireServer(service, options),
  // A WireClient always opens its own socket, so no option is needed for a connection of its own.
  createClient: ({ host, port }, options = {}) => new WireClient({ ...options, host, port }),
  describeClient: (client) => (client instanceof WireClient ? `${client.framing} frames` : undefined),
};
