import { LocalClient } from "./local-client.js";
import { describeConformance } from "./testing/conformance.js";

describeConformance("LocalClient", async (service) => ({
  connect: async () => {
    const client = new LocalClient(service);
    await client.connect();
    return client;
  },
  stop: () => service.close(),
  connectFrom: async (sourceAddress) => {
    const client = new LocalClient(service, { peerAddress: sourceAddress });
    await client.connect();
    return client;
  },
}));
