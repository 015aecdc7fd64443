import { describeConformance } from "@chat/core/testing";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

// Once per framing: compact is what WireClient speaks by default, fixed what it speaks to a server without it.
for (const framing of ["compact", "fixed"] as const) {
  describeConformance(`wire (${framing} framing)`, async (service) => {
    const server = new WireServer(service);
    const { host, port } = await server.listen({ host: "127.0.0.1", port: 0 });
    return {
      connect: async () => {
        const client = new WireClient({ host, port, framing });
        await client.connect();
        if (client.framing !== framing)
          throw new Error(`asked for ${framing} framing, got ${client.framing}`);
        return client;
      },
      stop: () => server.close(),
    };
  });
}
