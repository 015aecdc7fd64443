import { ChatError, type ChatService, type ClientStatus } from "@chat/core";
import { cleanupAfterEachTest, createTestService, FaultProxy, PASSWORD } from "@chat/core/testing";
import { describe, expect, it } from "vitest";
import { WireClient } from "./wire-client.js";
import { WireServer } from "./wire-server.js";

const deferCleanup = cleanupAfterEachTest();

interface Setup {
  readonly service: ChatService;
  readonly proxy: FaultProxy;
  readonly directPort: number;
}

async function setup(): Promise<Setup> {
  const service = createTestService();
  const server = new WireServer(service);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  const proxy = await FaultProxy.startQuiet(port);
  deferCleanup(async () => {
    await proxy.close();
    await server.close();
    await service.close();
  });
  return { service, proxy, directPort: port };
}

function statuses(client: WireClient): ClientStatus[] {
  const seen: ClientStatus[] = [];
  void (async () => {
    for await (const status of client.status()) seen.push(status);
  })();
  return seen;
}

/** Resolves once `client` is in `state`, polling: the state changes with socket events. */
async function until(client: WireClient, state: string): Promise<void> {
  while (client.state !== state) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Cuts `client` off: the proxy drops its connection and refuses new ones until `setRefusing(false)`. */
async function cutOff({ proxy }: Setup, client: WireClient): Promise<void> {
  proxy.setRefusing(true);
  proxy.cutAll();
  await until(client, "reconnecting");
}

/** Resolves once the server has let go of the session of `username` (the cut reached it). */
async function untilLoggedOut({ service }: Setup, username: string): Promise<void> {
  while (service.isLoggedIn(username)) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Another device of the same person: a client straight to the server, past the proxy. */
async function otherDevice({ directPort }: Setup): Promise<WireClient> {
  const other = new WireClient({ host: "127.0.0.1", port: directPort });
  deferCleanup(() => other.close());
  await other.connect();
  return other;
}

async function loggedInThroughProxy({ service, proxy }: Setup, options = {}): Promise<WireClient> {
  await service.register("alice", PASSWORD);
  const client = new WireClient({
    host: "127.0.0.1",
    port: proxy.port,
    reconnect: { initialDelayMs: 10, maxDelayMs: 20, loggedInElsewhereGraceMs: 0, ...options },
  });
  deferCleanup(() => client.close());
  await client.connect();
  await client.login("alice", PASSWORD);
  return client;
}

describe("WireClient reconnect outcomes", () => {
  it("stops reconnecting and closes with FAILED_PRECONDITION when the session was taken over", async () => {
    const world = await setup();
    const client = await loggedInThroughProxy(world);
    const seen = statuses(client);
    await cutOff(world, client);
    // Another device logs in while this one is away.
    const other = await otherDevice(world);
    await untilLoggedOut(world, "alice");
    await other.login("alice", PASSWORD);
    world.proxy.setRefusing(false);
    const reason = await client.closed;
    expect(reason).toBeInstanceOf(ChatError);
    expect(reason?.code).toBe("FAILED_PRECONDITION");
    expect(reason?.message).toMatch(/^the session was taken over: alice is logged in elsewhere/);
    expect(client.state).toBe("closed");
    expect(seen[0]?.type).toBe("disconnected");
    expect(seen.at(-1)).toEqual({ type: "closed", reason });
    expect(seen.some((status) => status.type === "reconnected")).toBe(false);
  });

  it("stops reconnecting and closes with UNAUTHENTICATED when the account was deleted meanwhile", async () => {
    const world = await setup();
    const client = await loggedInThroughProxy(world);
    await cutOff(world, client);
    await untilLoggedOut(world, "alice");
    const other = await otherDevice(world);
    await other.login("alice", PASSWORD);
    await other.deleteAccount();
    world.proxy.setRefusing(false);
    const reason = await client.closed;
    expect(reason?.code).toBe("UNAUTHENTICATED");
    expect(reason?.message).toMatch(/^cannot log in again as alice \(the account was deleted/);
  });

  it("gives up after maxAttempts and says so; calls made meanwhile waited, or failed at once if asked", async () => {
    const world = await setup();
    const client = await loggedInThroughProxy(world, { maxAttempts: 3 });
    await cutOff(world, client);
    const waiting = client.listAccounts();
    const impatient = client.listAccounts({}, { waitForConnection: false });
    const error = await impatient.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", message: "the client is not connected" });
    const reason = await client.closed;
    expect(reason?.code).toBe("UNAVAILABLE");
    expect(reason?.message).toMatch(/^gave up reconnecting after 3 attempts: /);
    await expect(waiting).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });

  it("comes back logged in: a call made while away is answered, and close() ends a reconnect loop", async () => {
    const world = await setup();
    const client = await loggedInThroughProxy(world);
    const seen = statuses(client);
    await cutOff(world, client);
    const page = client.listAccounts();
    world.proxy.setRefusing(false);
    expect((await page).usernames).toEqual(["alice"]);
    expect(client.state).toBe("open");
    expect(world.service.isOnline("alice")).toBe(true);
    expect(seen.map((status) => status.type)).toContain("reconnected");
    await cutOff(world, client);
    await client.close();
    expect(await client.closed).toBeUndefined();
    expect(seen.at(-1)).toEqual({ type: "closed", reason: undefined });
  });
});
