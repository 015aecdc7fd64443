import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "./chat-client-options.js";
import type { ChatService } from "./chat-service.js";
import { LocalClient } from "./local-client.js";
import { expectChatError } from "./testing/expect-chat-error.js";
import { createTestHasher, createTestService } from "./testing/harness.js";
import { HeldHasher } from "./testing/held-hasher.js";

const PASSWORD = "correct horse";

let service: ChatService | undefined;
let hasher: HeldHasher;

afterEach(async () => {
  vi.useRealTimers();
  hasher.release();
  await service?.close();
});

function start(): ChatService {
  hasher = new HeldHasher(createTestHasher());
  service = createTestService({ hasher });
  return service;
}

describe("ChatClientBase (over LocalClient)", () => {
  it(`gives every request the default deadline of ${DEFAULT_REQUEST_TIMEOUT_MS} ms`, async () => {
    const client = new LocalClient(start());
    await client.connect();
    // The deadline is read from `performance.now()` when the timer fires, so the clock is faked with it.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    hasher.hold();
    const register = client.register("held", PASSWORD);
    const outcome = expectChatError(register, "UNAVAILABLE");
    await vi.advanceTimersByTimeAsync(DEFAULT_REQUEST_TIMEOUT_MS - 1);
    let settled = false;
    void register.catch(() => {}).finally(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await outcome).message).toBe(`the server did not answer within ${DEFAULT_REQUEST_TIMEOUT_MS} ms`);
  });

  it("takes the client's requestTimeoutMs, and 0 as no deadline at all", async () => {
    const quick = new LocalClient(start(), { requestTimeoutMs: 30 });
    await quick.connect();
    hasher.hold();
    const error = await expectChatError(quick.register("quick", PASSWORD), "UNAVAILABLE");
    expect(error.message).toBe("the server did not answer within 30 ms");
    const patient = new LocalClient(service as ChatService, { requestTimeoutMs: 0 });
    await patient.connect();
    const register = patient.register("patient", PASSWORD);
    await new Promise((resolve) => setTimeout(resolve, 60));
    hasher.release();
    await register;
    expect((await patient.listAccounts()).usernames).toContain("patient");
  });

  it("refuses a timeout option that is neither 0 nor a positive number", () => {
    const service = start();
    expect(() => new LocalClient(service, { requestTimeoutMs: -5 })).toThrow(RangeError);
    expect(() => new LocalClient(service, { connectTimeoutMs: Number.NaN })).toThrow(RangeError);
  });

  it("goes from new to open to closed, refuses requests before connect(), and closes once", async () => {
    const client = new LocalClient(start());
    expect(client.state).toBe("new");
    await expectChatError(client.listAccounts(), "UNAVAILABLE");
    const connecting = client.connect();
    expect(client.state).toBe("connecting");
    expect(client.connect()).toBe(connecting);
    await connecting;
    expect(client.state).toBe("open");
    expect(client.close()).toBe(client.close());
    await client.close();
    expect(client.state).toBe("closed");
    expect(await client.closed).toBeUndefined();
  });

  it("ends the client when connect() fails, settling `closed` with the reason", async () => {
    const service = start();
    await service.close();
    const client = new LocalClient(service);
    const error = await expectChatError(client.connect(), "UNAVAILABLE");
    expect(client.state).toBe("closed");
    expect(await client.closed).toBe(error);
  });

  it("aborts connect() with its signal", async () => {
    const client = new LocalClient(start());
    const controller = new AbortController();
    controller.abort("no longer needed");
    const error = await expectChatError(client.connect({ signal: controller.signal }), "UNAVAILABLE");
    expect(error.cause).toBe("no longer needed");
    expect(await client.closed).toBe(error);
  });
});
