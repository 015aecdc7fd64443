import { describeConformance } from "@chat/core/testing";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

// The same suite as grpc-conformance.test.ts, over the Chat stream: sends, acks and deliveries of each
// session on one bidirectional stream. (grpc-conformance.test.ts forces Subscribe and the unary calls.)
describeConformance("gRPC (Chat stream)", async (service) => {
  const server = new GrpcServer(service, { shutdownTimeoutMs: 1000 });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return {
    connect: async () => {
      const client = new GrpcClient({ host: "127.0.0.1", port });
      await client.connect();
      return client;
    },
    stop: () => server.close(),
  };
});
