import { describeConformance, SourceAddressRelays } from "@chat/core/testing";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

// Subscribe and the unary calls, as generic gRPC tools use them; grpc-stream-conformance.test.ts runs the
// same suite over the Chat stream.
describeConformance("gRPC (unary calls)", async (service) => {
  const server = new GrpcServer(service, { shutdownTimeoutMs: 1000 });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  // Clients of the per-address tests come from other loopback addresses through relays.
  const relays = new SourceAddressRelays(port);
  const open = async (to: number): Promise<GrpcClient> => {
    const client = new GrpcClient({ host: "127.0.0.1", port: to, chatStream: false });
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
