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

  it("numbers its codes like gRPC status codes", () => {
    expect(ChatErrorCode).toEqual({
      INVALID_ARGUMENT: 3,
      NOT_FOUND: 5,
      ALREADY_EXISTS: 6,
      PERMISSION_DENIED: 7,
      RESOURCE_EXHAUSTED: 8,
      FAILED_PRECONDITION: 9,
      INTERNAL: 13,
      UNAVAILABLE: 14,
      UNAUTHENTICATED: 16,
    });
    expect(chatErrorCodeFromNumber(16)).toBe("UNAUTHENTICATED");
    expect(chatErrorCodeFromNumber(2)).toBeUndefined();
    expect(isChatErrorCodeName("ALREADY_EXISTS")).toBe(true);
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
