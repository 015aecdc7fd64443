import { ChatError, ChatErrorCode, type ChatErrorCodeName } from "@chat/core";
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { fromGrpcStatus, toGrpcStatus } from "./status.js";

describe("ChatError ↔ gRPC status", () => {
  it.each(Object.keys(ChatErrorCode) as ChatErrorCodeName[])(
    "maps %s one-to-one, message as details",
    (code) => {
      const converted = toGrpcStatus(new ChatError(code, `a ${code} message`));
      expect(converted.code).toBe(status[code]);
      expect(converted.details).toBe(`a ${code} message`);
      const back = fromGrpcStatus(converted);
      expect(back.code).toBe(code);
      expect(back.message).toBe(`a ${code} message`);
    },
  );

  it("hides anything that is not a ChatError behind INTERNAL", () => {
    const converted = toGrpcStatus(new Error("SQLITE_CORRUPT at /var/db/chat.db"));
    expect(converted).toEqual({ code: status.INTERNAL, details: "internal server error" });
  });

  it("reads transport-only statuses as UNAVAILABLE or INTERNAL", () => {
    expect(fromGrpcStatus({ code: status.DEADLINE_EXCEEDED, details: "Deadline exceeded" }).code).toBe(
      "UNAVAILABLE",
    );
    expect(fromGrpcStatus({ code: status.CANCELLED, details: "" }).code).toBe("UNAVAILABLE");
    expect(fromGrpcStatus({ code: status.UNIMPLEMENTED, details: "" })).toMatchObject({
      code: "INTERNAL",
      message: "UNIMPLEMENTED",
    });
  });
});
