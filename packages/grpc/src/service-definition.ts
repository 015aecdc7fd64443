import type { BinaryWriter } from "@bufbuild/protobuf/wire";
import {
  AckRequest,
  AckResponse,
  ChatRequest,
  ChatResponse,
  ChatServiceService,
  DeleteAccountRequest,
  DeleteAccountResponse,
  ListAccountsRequest,
  ListAccountsResponse,
  LoginRequest,
  LoginResponse,
  LogoutRequest,
  LogoutResponse,
  RegisterRequest,
  RegisterResponse,
  SendMessageRequest,
  SendMessageResponse,
  SubscribeRequest,
  SubscribeResponse,
} from "./gen/chat/v1/chat.js";

/** A ts-proto message codec, as far as serializing is concerned. */
interface Encoder<Message> {
  encode(message: Message): BinaryWriter;
}

/**
 * Serializes without the copy the generated code makes. `BinaryWriter.finish()` returns a fresh array that
 * nobody else holds, so a `Buffer` view of it is as safe as `Buffer.from(array)`'s copy, minus one
 * allocation and copy per message; grpc-js copies the bytes into its framed buffer anyway.
 */
function serializer<Message>(codec: Encoder<Message>): (message: Message) => Buffer {
  return (message) => {
    const bytes = codec.encode(message).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/**
 * `chat.v1.ChatService` exactly as generated (paths, streaming flags, deserializers), with zero-copy
 * serializers. Used by both {@link GrpcServer} and {@link GrpcClient}; the wire bytes are identical.
 */
export const CHAT_SERVICE_DEFINITION: typeof ChatServiceService = {
  register: {
    ...ChatServiceService.register,
    requestSerialize: serializer(RegisterRequest),
    responseSerialize: serializer(RegisterResponse),
  },
  login: {
    ...ChatServiceService.login,
    requestSerialize: serializer(LoginRequest),
    responseSerialize: serializer(LoginResponse),
  },
  logout: {
    ...ChatServiceService.logout,
    requestSerialize: serializer(LogoutRequest),
    responseSerialize: serializer(LogoutResponse),
  },
  deleteAccount: {
    ...ChatServiceService.deleteAccount,
    requestSerialize: serializer(DeleteAccountRequest),
    responseSerialize: serializer(DeleteAccountResponse),
  },
  listAccounts: {
    ...ChatServiceService.listAccounts,
    requestSerialize: serializer(ListAccountsRequest),
    responseSerialize: serializer(ListAccountsResponse),
  },
  sendMessage: {
    ...ChatServiceService.sendMessage,
    requestSerialize: serializer(SendMessageRequest),
    responseSerialize: serializer(SendMessageResponse),
  },
  ack: {
    ...ChatServiceService.ack,
    requestSerialize: serializer(AckRequest),
    responseSerialize: serializer(AckResponse),
  },
  subscribe: {
    ...ChatServiceService.subscribe,
    requestSerialize: serializer(SubscribeRequest),
    responseSerialize: serializer(SubscribeResponse),
  },
  chat: {
    ...ChatServiceService.chat,
    requestSerialize: serializer(ChatRequest),
    responseSerialize: serializer(ChatResponse),
  },
};
