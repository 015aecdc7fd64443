import { describe, expect, it } from "vitest";
import {
  DeliveryMode,
  ListAccountsResponse,
  SendMessageRequest,
  SendMessageResponse,
  SubscribeResponse,
} from "./gen/chat/v1/chat.js";
import { CHAT_SERVICE_DEFINITION } from "./service-definition.js";

const { sendMessage, subscribe, listAccounts } = CHAT_SERVICE_DEFINITION;

function generated(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes);
}

describe("the shared-writer serializers", () => {
  it("write exactly the generated code's bytes, message after message, as the writer grows", () => {
    for (const size of [0, 1, 31, 32, 64, 512, 4_000, 20_000, 3]) {
      const content = "é".repeat(size);
      const request = { to: `user_${size}`, content, clientMessageId: Buffer.alloc(16, size) };
      expect(sendMessage.requestSerialize(request)).toEqual(
        generated(SendMessageRequest.encode(request).finish()),
      );
      const delivery = {
        message: { seq: size + 1, sender: "alice", content, sentAtMs: 1_764_620_000_123 + size },
      };
      expect(subscribe.responseSerialize(delivery)).toEqual(
        generated(SubscribeResponse.encode(delivery).finish()),
      );
    }
  });

  it("hand out buffers of their own: a later message never changes an earlier one", () => {
    const first = sendMessage.responseSerialize({
      seq: 7,
      sentAtMs: 1_764_620_000_000,
      delivery: DeliveryMode.DELIVERY_MODE_LIVE,
    });
    const copy = Buffer.from(first);
    const page = { usernames: Array.from({ length: 200 }, (_, index) => `name_${index}`), nextPageToken: "" };
    const second = listAccounts.responseSerialize(page);
    expect(first).toEqual(copy);
    expect(second).toEqual(generated(ListAccountsResponse.encode(page).finish()));
    expect(sendMessage.responseDeserialize(first)).toEqual(SendMessageResponse.decode(copy));
  });

  it("start clean after a message that cannot be encoded", () => {
    const unencodable = { to: "bob", content: "x".repeat(100), clientMessageId: 12 as unknown as Buffer };
    expect(() => sendMessage.requestSerialize(unencodable)).toThrow();
    const request = { to: "bob", content: "hello" };
    expect(sendMessage.requestSerialize(request)).toEqual(
      generated(SendMessageRequest.encode(request).finish()),
    );
  });
});
