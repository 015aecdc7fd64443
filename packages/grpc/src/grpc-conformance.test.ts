import { describeConformance } from "@chat/core/testing";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

// Subscribe and the unary calls, as generic gRPC tools use them; grpc-stream-conformance.test.ts runs the
// same suite over the Chat stream.
describeConformance("gRPC (unary calls)", async (service) => {
  const server = new GrpcServer(service, { shutdownTimeoutMs: 1000 });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return {
    connect: async () => {
      const client = new GrpcClient({ host: "127.0.0.1", port, chatStream: false });
      await client.connect();
      return client;
    },
    stop: () => server.close(),
  };
});
