import { describeConformance, testCertificatesPerFile } from "@chat/core/testing";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

// The conformance suite, unchanged, over implicit TLS: the frames above it are the plaintext ones.
const certificates = testCertificatesPerFile();

describeConformance("wire over TLS", async (service) => {
  const server = new WireServer(service, {
    tls: { cert: certificates().server.cert, key: certificates().server.key },
  });
  const { host, port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return {
    connect: async () => {
      const client = new WireClient({ host, port, tls: { ca: certificates().ca.cert } });
      await client.connect();
      if (!client.secure) throw new Error("the client does not speak TLS");
      return client;
    },
    stop: () => server.close(),
  };
});
