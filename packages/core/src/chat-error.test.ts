import { describe, expect, it } from "vitest";
import { ChatError, ChatErrorCode, chatErrorCodeFromNumber, isChatErrorCodeName } from "./chat-error.js";

describe("ChatError", () => {
  it("carries a code, its gRPC status number and a message", () => {
    const error = new ChatError("NOT_FOUND", "no such user: bob");
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.status).toBe(5);
    expect(error.message).toBe("no such user: bob");
    expect(error.name).toBe("ChatError");
  });

  // That each number is gRPC's for the status of the same name is checked against grpc-js's own table, in
  // @chat/grpc's status.test.ts; here, that the closed set looks up both ways and knows nothing else.
  it("looks every code of the closed set up by its number and by its name, and nothing outside it", () => {
    const codes = Object.entries(ChatErrorCode);
    expect(new Set(codes.map(([, number]) => number)).size).toBe(codes.length);
    for (const [name, number] of codes) {
      expect(chatErrorCodeFromNumber(number)).toBe(name);
      expect(isChatErrorCodeName(name)).toBe(true);
    }
    expect(chatErrorCodeFromNumber(2)).toBeUndefined();
    expect(isChatErrorCodeName("UNKNOWN")).toBe(false);
  });

  it("from() keeps a ChatError and hides anything else behind INTERNAL", () => {
    const original = new ChatError("UNAVAILABLE", "shutting down");
    expect(ChatError.from(original)).toBe(original);
    const wrapped = ChatError.from(new Error("SQLITE_CORRUPT at /var/db/chat.db"));
    expect(wrapped.code).toBe("INTERNAL");
    expect(wrapped.message).not.toContain("SQLITE");
    expect(wrapped.cause).toBeInstanceOf(Error);
    expect(ChatError.from("a string").code).toBe("INTERNAL");
  });
});
