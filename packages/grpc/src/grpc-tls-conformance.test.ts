import { describeConformance, testCertificatesPerFile } from "@chat/core/testing";
import { GrpcClient } from "./grpc-client.js";
import { GrpcServer } from "./grpc-server.js";

// The conformance suite, unchanged, over the Chat stream on HTTP/2 over TLS, with client certificates
// required (mutual TLS): the strictest setting a server can have.
const certificates = testCertificatesPerFile();

describeConformance("gRPC over mutual TLS", async (service) => {
  const { server: identity, ca, client: clientIdentity } = certificates();
  const server = new GrpcServer(service, {
    shutdownTimeoutMs: 1000,
    tls: { cert: identity.cert, key: identity.key, ca: ca.cert },
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return {
    connect: async () => {
      const client = new GrpcClient({
        host: "127.0.0.1",
        port,
        tls: { ca: ca.cert, cert: clientIdentity.cert, key: clientIdentity.key },
      });
      await client.connect();
      if (!client.secure) throw new Error("the client does not speak TLS");
      return client;
    },
    stop: () => server.close(),
  };
});
