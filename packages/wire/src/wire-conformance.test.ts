import { describeConformance, SourceAddressRelays } from "@chat/core/testing";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

// Once per framing: compact is what WireClient speaks by default, fixed what it speaks to a server without it.
for (const framing of ["compact", "fixed"] as const) {
  describeConformance(`wire (${framing} framing)`, async (service) => {
    const server = new WireServer(service);
    const { host, port } = await server.listen({ host: "127.0.0.1", port: 0 });
    // Clients of the per-address tests come from other loopback addresses through relays.
    const open = async (to: number): Promise<WireClient> => {
      const client = new WireClient({ host, port: to, framing });
      await client.connect();
      if (client.framing !== framing) throw new Error(`asked for ${framing} framing, got ${client.framing}`);
      return client;
    };
    return SourceAddressRelays.conformanceServer(port, open, () => server.close());
  });
}
