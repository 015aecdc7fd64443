import { ChatError } from "@chat/core";
import { refuseRequest } from "./request-refusal.js";
import { CHAT_SERVICE_DEFINITION } from "./service-definition.js";

/** What an empty protobuf message decodes from: every field at its default. */
const EMPTY_MESSAGE = Buffer.alloc(0);

/**
 * {@link CHAT_SERVICE_DEFINITION} for a server whose unary calls and `Subscribe` take requests of at most
 * `maxRequestBytes`, while grpc-js's single receive limit is the larger one of `Chat` stream messages
 * (which join several requests). A larger request is not decoded: its handler gets an empty request marked
 * with `RESOURCE_EXHAUSTED` (see `request-refusal.ts`), the code grpc-js's own limit answers with.
 */
export function requestLimitedChatService(maxRequestBytes: number): typeof CHAT_SERVICE_DEFINITION {
  const { chat, register, login, logout, deleteAccount, listAccounts, sendMessage, ack, subscribe } =
    CHAT_SERVICE_DEFINITION;
  return {
    register: limited(register, "Register", maxRequestBytes),
    login: limited(login, "Login", maxRequestBytes),
    logout: limited(logout, "Logout", maxRequestBytes),
    deleteAccount: limited(deleteAccount, "DeleteAccount", maxRequestBytes),
    listAccounts: limited(listAccounts, "ListAccounts", maxRequestBytes),
    sendMessage: limited(sendMessage, "SendMessage", maxRequestBytes),
    ack: limited(ack, "Ack", maxRequestBytes),
    subscribe: limited(subscribe, "Subscribe", maxRequestBytes),
    chat,
  };
}

/** The part of a method definition the limit replaces. */
interface RequestDecoding<Request extends object> {
  readonly requestDeserialize: (bytes: Buffer) => Request;
}

/** `method` refusing requests of more than `maxBytes` (`name` is the method's name in the refusal). */
function limited<Request extends object, Method extends RequestDecoding<Request>>(
  method: Method & RequestDecoding<Request>,
  name: string,
  maxBytes: number,
): Method {
  const deserialize = method.requestDeserialize;
  return {
    ...method,
    requestDeserialize: (bytes: Buffer): Request => {
      if (bytes.length <= maxBytes) return deserialize(bytes);
      const request = deserialize(EMPTY_MESSAGE);
      refuseRequest(
        request,
        new ChatError(
          "RESOURCE_EXHAUSTED",
          `a ${name} request may have at most ${maxBytes} bytes; this one has ${bytes.length}`,
        ),
      );
      return request;
    },
  };
}
