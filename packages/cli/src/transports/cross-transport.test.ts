import { type ChatClient, type ChatService, MemoryStore, type TransportServer } from "@chat/core";
import { createTestService, expectChatError, Inbox, PASSWORD } from "@chat/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TRANSPORTS, type TransportName, transportNamed } from "./registry.js";

/**
 * One process serving wire and gRPC on one ChatService: users on different transports see one chat.
 * (The behaviour itself is specified once, in the conformance suite; this checks the two adapters share
 * the same sessions, presence and queues.)
 */
describe("wire and gRPC on one ChatService", () => {
  let service: ChatService;
  let servers: TransportServer[] = [];
  const ports = new Map<TransportName, number>();
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    service = createTestService({ store: new MemoryStore() });
    // Every transport of the registry, started through its descriptor, exactly as `chat-cli serve` does.
    servers = [];
    for (const transport of TRANSPORTS) {
      const server = transport.createServer(service);
      servers.push(server);
      ports.set(transport.name, (await server.listen({ host: "127.0.0.1", port: 0 })).port);
    }
  });

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.map((server) => server.close()));
    await service.close();
  });

  async function connect(transport: TransportName): Promise<{ client: ChatClient; inbox: Inbox }> {
    const port = ports.get(transport);
    if (port === undefined) throw new Error(`no ${transport} server`);
    const client = transportNamed(transport).createClient({ host: "127.0.0.1", port });
    await client.connect();
    clients.push(client);
    return { client, inbox: new Inbox(client) };
  }

  /** A client over `transport` that has registered `username` and logged in. */
  async function loggedIn(
    transport: TransportName,
    username: string,
  ): Promise<{ client: ChatClient; inbox: Inbox }> {
    const user = await connect(transport);
    await user.client.register(username, PASSWORD);
    await user.client.login(username, PASSWORD);
    return user;
  }

  it("delivers live both ways between a wire user and a gRPC user", async () => {
    const alice = await loggedIn("wire", "alice");
    const bob = await loggedIn("grpc", "bob");

    expect((await alice.client.send("bob", "hi over gRPC")).delivery).toBe("live");
    expect(await bob.inbox.next()).toMatchObject({ from: "alice", content: "hi over gRPC" });
    expect((await bob.client.send("ALICE", "hi over wire 😀")).delivery).toBe("live");
    expect(await alice.inbox.next()).toMatchObject({ from: "bob", content: "hi over wire 😀" });
  });

  it("queues across transports: stored on one, delivered in order at login on the other", async () => {
    const sender = await loggedIn("grpc", "sender");
    const wireUser = await connect("wire");
    await wireUser.client.register("offline", PASSWORD);
    for (let index = 0; index < 5; index++) {
      expect((await sender.client.send("offline", `queued ${index}`)).delivery).toBe("stored");
    }
    await wireUser.client.login("offline", PASSWORD);
    const received = await wireUser.inbox.take(5);
    expect(received.map((message) => message.content)).toEqual(
      [0, 1, 2, 3, 4].map((index) => `queued ${index}`),
    );
    await wireUser.client.ack((received[4] as { seq: number }).seq);
    await wireUser.client.logout();

    // And the other way round: stored by a wire user, picked up over gRPC.
    await wireUser.client.login("offline", PASSWORD);
    await sender.client.logout();
    await wireUser.client.send("sender", "back to you");
    const again = await connect("grpc");
    await again.client.login("sender", PASSWORD);
    expect(await again.inbox.next()).toMatchObject({ from: "offline", content: "back to you" });
  });

  it("keeps one live device per account across transports", async () => {
    const overWire = await loggedIn("wire", "carol");
    const overGrpc = await connect("grpc");
    await expectChatError(overGrpc.client.login("carol", PASSWORD), "FAILED_PRECONDITION");
    await overWire.client.logout();
    await overGrpc.client.login("carol", PASSWORD);
    const wireAgain = await connect("wire");
    await expectChatError(wireAgain.client.login("carol", PASSWORD), "FAILED_PRECONDITION");
  });

  it("shows accounts registered on either transport in one listing", async () => {
    const overWire = await connect("wire");
    const overGrpc = await connect("grpc");
    await overWire.client.register("Zed", PASSWORD);
    await overGrpc.client.register("amy", PASSWORD);
    expect((await overWire.client.listAccounts()).usernames).toEqual(["amy", "Zed"]);
    expect((await overGrpc.client.listAccounts({ pattern: "z*" })).usernames).toEqual(["Zed"]);
  });
});
