import { describeConformance } from "@chat/core/testing";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

describeConformance("wire", async (service) => {
  const server = new WireServer(service);
  const { host, port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return {
    connect: async () => {
      const client = new WireClient({ host, port });
      await client.connect();
      return client;
    },
    stop: () => server.close(),
  };
});
