import { describeConformance, SourceAddressRelays } from "@chat/core/testing";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

// The same suite as grpc-conformance.test.ts, over the Chat stream: sends, acks and deliveries of each
// session on one bidirectional stream. (grpc-conformance.test.ts forces Subscribe and the unary calls.)
describeConformance("gRPC (Chat stream)", async (service) => {
  const server = new GrpcServer(service, { shutdownTimeoutMs: 1000 });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  // Clients of the per-address tests come from other loopback addresses through relays.
  const relays = new SourceAddressRelays(port);
  const open = async (to: number): Promise<GrpcClient> => {
    const client = new GrpcClient({ host: "127.0.0.1", port: to });
    await client.connect();
    return client;
  };
  return {
    connect: () => open(port),
    connectFrom: async (sourceAddress) => open(await relays.portFor(sourceAddress)),
    stop: async () => {
      await server.close();
      await relays.close();
    },
  };
});
