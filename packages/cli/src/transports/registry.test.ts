import { type ChatClient, MemoryStore, UNLIMITED_RATE } from "@chat/core";
import { createTestService, Inbox, PASSWORD } from "@chat/core/testing";
import { DEFAULT_GRPC_SERVER_LIMITS, GrpcServer } from "@chat/grpc";
import { describe, expect, it } from "vitest";
import { parseListenerLine } from "../serve/listener-line.js";
import {
  DEFAULT_TRANSPORT,
  isTransportName,
  servePortFlag,
  TRANSPORT_NAMES,
  TRANSPORTS,
  transportNamed,
} from "./registry.js";

describe("the transport registry", () => {
  it("holds each transport once, with one default port each: wire 5000, gRPC 5001", () => {
    expect(TRANSPORT_NAMES).toEqual(["wire", "grpc"]);
    expect(TRANSPORTS.map((transport) => [transport.name, transport.defaultPort])).toEqual([
      ["wire", 5000],
      ["grpc", 5001],
    ]);
    expect(DEFAULT_TRANSPORT).toBe("wire");
    for (const name of TRANSPORT_NAMES) expect(transportNamed(name).name).toBe(name);
  });

  it("derives the serve port flags from the names: the default transport keeps the seed's --port", () => {
    expect(TRANSPORT_NAMES.map(servePortFlag)).toEqual(["--port", "--grpc-port"]);
  });

  it("knows its names and nothing else, so a listener line of an unknown transport is not one", () => {
    expect(isTransportName("grpc")).toBe(true);
    expect(isTransportName("both")).toBe(false);
    expect(isTransportName("http")).toBe(false);
    expect(parseListenerLine("http listening on 127.0.0.1:80")).toBeUndefined();
    expect(parseListenerLine("grpc listening on [::1]:5001")).toEqual({
      transport: "grpc",
      host: "::1",
      port: 5001,
    });
  });

  it("gives every gRPC client its own connection, so more logged-in clients than one connection's streams all receive", async () => {
    // Sharing one connection would cap the Subscribe streams at the server's per-connection limit.
    const clientCount = DEFAULT_GRPC_SERVER_LIMITS.maxConcurrentStreams + 4;
    // More registrations from one address than its default allows, which is not what this test is about.
    const service = createTestService({
      store: new MemoryStore(),
      limits: { registrationsPerAddress: UNLIMITED_RATE },
    });
    const grpc = transportNamed("grpc");
    // Every client connects from 127.0.0.1: one host with more devices than the per-address cap allows.
    const server = new GrpcServer(service, { limits: { maxConnectionsPerAddress: clientCount + 1 } });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const clients: ChatClient[] = [];
    try {
      const sender = grpc.createClient({ host: "127.0.0.1", port });
      clients.push(sender);
      await sender.connect();
      await sender.register("sender", PASSWORD);
      await sender.login("sender", PASSWORD);
      const inboxes: Inbox[] = [];
      for (let index = 0; index < clientCount; index++) {
        const client = grpc.createClient({ host: "127.0.0.1", port });
        clients.push(client);
        await client.connect();
        await client.register(`user${index}`, PASSWORD);
        await client.login(`user${index}`, PASSWORD);
        inboxes.push(new Inbox(client));
      }
      await Promise.all(inboxes.map((_, index) => sender.send(`user${index}`, `hello ${index}`)));
      const received = await Promise.all(inboxes.map((inbox) => inbox.take(1, 10_000)));
      expect(received.map(([message]) => message?.content)).toEqual(
        inboxes.map((_, index) => `hello ${index}`),
      );
    } finally {
      await Promise.allSettled(clients.map((client) => client.close()));
      await server.close();
      await service.close();
    }
  });
});
