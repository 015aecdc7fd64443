import { describe, expect, it } from "vitest";
import type { DeliveryMode, IncomingMessage } from "./delivery.js";
import type { RequestEvent, ServiceObserver } from "./service-observer.js";
import { createTestService } from "./testing/harness.js";

const PASSWORD = "correct horse";

/** An observer that records every hook call. */
function recordingObserver() {
  const events = {
    opened: [] as string[],
    closed: [] as string[],
    requests: [] as RequestEvent[],
    sent: [] as DeliveryMode[],
    delivered: [] as string[],
  };
  const observer: ServiceObserver = {
    connectionOpened: (transport) => events.opened.push(transport),
    connectionClosed: (transport) => events.closed.push(transport),
    requestFinished: (event) => events.requests.push(event),
    messageSent: (delivery) => events.sent.push(delivery),
    messageDelivered: (transport) => events.delivered.push(transport),
  };
  return { observer, events };
}

describe("ServiceObserver", () => {
  it("sees connections, requests with their outcome, sends and deliveries, labelled by transport", async () => {
    const { observer, events } = recordingObserver();
    const service = createTestService({ observer });
    const alice = service.connect({ transport: "wire" });
    const bob = service.connect({ transport: "grpc" });
    await alice.register("alice", PASSWORD);
    await bob.register("bob", PASSWORD);
    await expect(alice.login("alice", "wrong password")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await alice.login("alice", PASSWORD);
    expect(await alice.send("bob", "while you were away")).toMatchObject({ delivery: "stored" });
    await bob.login("bob", PASSWORD);
    const received: IncomingMessage[] = [];
    bob.attach({ deliver: (message) => received.push(message) > 0 });
    await expect.poll(() => received.length).toBe(1);
    expect(await alice.send("bob", "live")).toMatchObject({ delivery: "live" });
    await expect.poll(() => received.length).toBe(2);
    await bob.ack(2);
    alice.close();
    bob.close();

    expect(events.opened).toEqual(["wire", "grpc"]);
    expect(events.closed).toEqual(["wire", "grpc"]);
    expect(events.sent).toEqual(["stored", "live"]);
    expect(events.delivered).toEqual(["grpc", "grpc"]);
    const summary = events.requests.map(
      (event) => `${event.transport} ${event.operation} ${event.errorCode ?? "ok"}`,
    );
    expect(summary).toEqual([
      "wire register ok",
      "grpc register ok",
      "wire login UNAUTHENTICATED",
      "wire login ok",
      "wire send ok",
      "grpc login ok",
      "wire send ok",
      "grpc ack ok",
    ]);
    for (const event of events.requests) expect(event.durationMs).toBeGreaterThanOrEqual(0);
    await service.close();
  });

  it("counts a request refused before it started, such as one on a closed connection", async () => {
    const { observer, events } = recordingObserver();
    const service = createTestService({ observer });
    const connection = service.connect();
    connection.close();
    expect(() => connection.register("alice", PASSWORD)).toThrow(/closed/);
    expect(() => connection.send("bob", "x")).toThrow(/closed/);
    expect(events.requests.map((event) => [event.transport, event.operation, event.errorCode])).toEqual([
      ["unknown", "register", "UNAVAILABLE"],
      ["unknown", "send", "UNAVAILABLE"],
    ]);
    await service.close();
  });
});
