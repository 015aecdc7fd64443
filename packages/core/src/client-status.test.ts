import { describe, expect, it } from "vitest";
import { ChatError } from "./chat-error.js";
import { type ClientStatus, StatusHub } from "./client-status.js";

async function collect(iterable: AsyncIterable<ClientStatus>): Promise<ClientStatus[]> {
  const seen: ClientStatus[] = [];
  for await (const status of iterable) seen.push(status);
  return seen;
}

describe("StatusHub", () => {
  it("gives each listener the events from its start, and ends every one after closed", async () => {
    const hub = new StatusHub();
    const early = collect(hub.subscribe());
    const reason = new ChatError("UNAVAILABLE", "gone");
    hub.emit({ type: "disconnected", reason });
    const late = collect(hub.subscribe());
    hub.emit({ type: "reconnected" });
    hub.emit({ type: "closed", reason: undefined });
    hub.emit({ type: "reconnected" });
    expect(await early).toEqual([
      { type: "disconnected", reason },
      { type: "reconnected" },
      { type: "closed", reason: undefined },
    ]);
    expect(await late).toEqual([{ type: "reconnected" }, { type: "closed", reason: undefined }]);
    expect(await collect(hub.subscribe())).toEqual([{ type: "closed", reason: undefined }]);
  });

  it("ends a listener that left its loop early: later events no longer reach it", async () => {
    const hub = new StatusHub();
    const iterator = hub.subscribe()[Symbol.asyncIterator]();
    hub.emit({ type: "reconnected" });
    expect(await iterator.next()).toEqual({ value: { type: "reconnected" }, done: false });
    await iterator.return?.();
    hub.emit({ type: "reconnected" });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});
