import { ClientRequest, NO_TIMEOUT, type SendResult } from "@chat/core";
import { describe, expect, it } from "vitest";
import { PendingRequests } from "./pending-requests.js";

function sendRequest(): ClientRequest<SendResult> {
  return ClientRequest.standalone<SendResult>(NO_TIMEOUT, "request");
}

describe("PendingRequests", () => {
  it("gives requests back oldest first across wrapping round and growing", () => {
    const pending = new PendingRequests();
    const made: ClientRequest<SendResult>[] = [];
    const taken: ClientRequest<SendResult>[] = [];
    // 10 in, 6 out, then 40 in: the ring wraps round, then grows while wrapped.
    for (let index = 0; index < 10; index++) made.push(sendRequest());
    for (const request of made) pending.push("send", request);
    for (let index = 0; index < 6; index++) taken.push(pending.take("send"));
    const later = Array.from({ length: 40 }, () => sendRequest());
    for (const request of later) pending.push("send", request);
    expect(pending.size).toBe(44);
    while (pending.size > 0) taken.push(pending.take("send"));
    expect(taken).toEqual([...made, ...later]);
    expect(pending.oldestKind).toBeUndefined();
    expect(pending.takeAny()).toBeUndefined();
  });

  it("keeps each request's kind, and the names of a list until its page is taken", () => {
    const pending = new PendingRequests();
    const list = ClientRequest.standalone<{ usernames: string[] }>(NO_TIMEOUT, "request");
    const ok = ClientRequest.standalone<undefined>(NO_TIMEOUT, "request");
    pending.push("list", list);
    pending.push("ok", ok);
    expect(pending.oldestKind).toBe("list");
    pending.collectNames(["ann", "bob"]);
    pending.collectNames(["cy"]);
    expect(pending.oldestNames).toEqual(["ann", "bob", "cy"]);
    expect(pending.take("list")).toBe(list);
    expect(pending.oldestKind).toBe("ok");
    expect(pending.oldestNames).toEqual([]);
    pending.clear();
    expect(pending.size).toBe(0);
    expect(pending.oldestKind).toBeUndefined();
  });
});
