import type { TransportDescriptor } from "@chat/core";
import { GrpcClient } from "./grpc-client.js";
import { DEFAULT_GRPC_PORT, GrpcServer } from "./grpc-server.js";

/**
 * Without this, grpc-js shares one connection (subchannel) between every channel of a process with the
 * same target and options, and the server allows a limited number of concurrent streams per connection:
 * many clients' `Subscribe` streams on one shared connection would not all open. A local subchannel pool
 * gives each client its own connection, as a separate device would have.
 */
const OWN_CONNECTION = { "grpc.use_local_subchannel_pool": 1 } as const;

/**
 * gRPC as a registry entry: the one place that says how to make its server and client from nothing but a
 * service and an address. Every other setting keeps its default (see `GrpcServerOptions`).
 */
export const grpcTransport: TransportDescriptor<"grpc"> = {
  name: "grpc",
  defaultPort: DEFAULT_GRPC_PORT,
  createServer: (service, { maxConnectionsPerAddress, ...options } = {}) =>
    new GrpcServer(service, {
      ...options,
      ...(maxConnectionsPerAddress === undefined ? {} : { limits: { maxConnectionsPerAddress } }),
    }),
  createClient: ({ host, port }, options = {}) =>
    new GrpcClient({ ...options, host, port, channelOptions: OWN_CONNECTION }),
};
