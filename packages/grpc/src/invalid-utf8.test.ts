import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { PASSWORD } from "@chat/core/testing";
import {
  Client,
  type ClientDuplexStream,
  credentials,
  Metadata,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { responsesOf } from "./chat-batch.js";
import {
  type BatchedChatResponse,
  ChatResponse,
  LoginResponse,
  SubscribeResponse,
} from "./gen/chat/v1/chat.js";
import { bearer, rawLogin, startTestBed, type TestBed } from "./testing/grpc-test-kit.js";

/**
 * Requests built byte by byte and sent through a grpc-js client whose serializer passes the bytes as they
 * are: the only way to put invalid UTF-8 into a string field, since a JavaScript string always encodes to
 * valid UTF-8.
 */
type Field = readonly [fieldNumber: number, bytes: Uint8Array];

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const repeated = (byte: number, count: number): Uint8Array => new Uint8Array(count).fill(byte);
/** Ten U+FFFD: what lenient decoding makes of ten 0xff bytes, and of ten 0xfe bytes. */
const TEN_REPLACEMENT_CHARACTERS = "\uFFFD".repeat(10);

/** A message of length-delimited fields (strings, bytes, nested messages), in the order given. */
function message(...fields: Field[]): Uint8Array {
  const writer = new BinaryWriter();
  for (const [fieldNumber, bytes] of fields) writer.uint32((fieldNumber << 3) | 2).bytes(bytes);
  return writer.finish();
}

/** A `ChatRequest` with request id `requestId` carrying a `SendMessageRequest` built of `send`'s fields. */
function chatSend(requestId: number, ...send: Field[]): Uint8Array {
  const writer = new BinaryWriter();
  writer.uint32((1 << 3) | 0).uint64(requestId);
  writer.uint32((2 << 3) | 2).bytes(message(...send));
  return writer.finish();
}

const asIs = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
const raw = (bytes: Buffer): Buffer => bytes;

let bed: TestBed;
let client: Client;
let token: string;
let bobToken: string;

beforeAll(async () => {
  bed = await startTestBed();
  client = new Client(`127.0.0.1:${bed.port}`, credentials.createInsecure());
  bobToken = await rawLogin(bed, "bob");
  token = await rawLogin(bed, "alice");
});

afterAll(async () => {
  client.close();
  await bed.close();
});

function callUnary(method: string, request: Uint8Array, metadata?: Metadata): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/chat.v1.ChatService/${method}`,
      asIs,
      raw,
      request,
      // Register and Login go without a token (a logged-in caller's Login is refused as such).
      metadata ?? (method === "Register" || method === "Login" ? new Metadata() : bearer(token)),
      (error: ServiceError | null, response?: Buffer) =>
        error ? reject(error) : resolve(response as Buffer),
    );
  });
}

async function statusOf(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  return call.then(
    () => ({ code: status.OK, details: "" }),
    (error: ServiceError) => ({ code: error.code, details: error.details }),
  );
}

/**
 * Alice's raw Chat stream, and the first `count` answers on it that are not deliveries (answers ready at
 * once may share a stream message, in `more`).
 */
function openChatStream(count: number): {
  chat: ClientDuplexStream<Uint8Array, Buffer>;
  answered: Promise<BatchedChatResponse[]>;
} {
  const chat = client.makeBidiStreamRequest("/chat.v1.ChatService/Chat", asIs, raw, bearer(token));
  const responses: BatchedChatResponse[] = [];
  const answered = new Promise<BatchedChatResponse[]>((resolve) => {
    chat.on("data", (bytes: Buffer) => {
      for (const response of responsesOf(ChatResponse.decode(bytes))) {
        if (response.message === undefined) responses.push(response);
      }
      if (responses.length === count) resolve(responses);
    });
  });
  chat.on("error", () => {});
  return { chat, answered };
}

const invalid = {
  "ten 0xff bytes": repeated(0xff, 10),
  "a lone continuation byte": Uint8Array.of(0x61, 0x80, 0x62),
  "a truncated sequence": Uint8Array.of(0xe2, 0x82),
  "an overlong encoding of /": Uint8Array.of(0xc0, 0xaf),
  "an encoded surrogate": Uint8Array.of(0xed, 0xa0, 0x80),
  "a code point past U+10FFFF": Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
};

/** Every unary request field that is a protobuf `string`, with the other fields valid. */
const unaryStringFields: ReadonlyArray<
  readonly [method: string, field: string, build: (bad: Uint8Array) => Uint8Array]
> = [
  ["Register", "username", (bad) => message([1, bad], [2, utf8(PASSWORD)])],
  ["Register", "password", (bad) => message([1, utf8("carol")], [2, bad])],
  ["Login", "username", (bad) => message([1, bad], [2, utf8(PASSWORD)])],
  ["Login", "password", (bad) => message([1, utf8("alice")], [2, bad])],
  ["ListAccounts", "pattern", (bad) => message([1, bad])],
  ["ListAccounts", "page_token", (bad) => message([3, bad])],
  ["SendMessage", "to", (bad) => message([1, bad], [2, utf8("hello")])],
  ["SendMessage", "content", (bad) => message([1, utf8("bob")], [2, bad])],
];

describe("gRPC requests with invalid UTF-8 in a string field", () => {
  describe.each(Object.entries(invalid))("%s", (_, bad) => {
    it.each(unaryStringFields)("%s %s is refused with INVALID_ARGUMENT", async (method, _field, build) => {
      const result = await statusOf(callUnary(method, build(bad)));
      expect(result.code).toBe(status.INVALID_ARGUMENT);
      expect(result.details).toMatch(/not valid UTF-8/);
    });
  });

  it("tells two passwords apart that lenient decoding would make the same", async () => {
    // The account's password is ten U+FFFD, sent as valid UTF-8 (EF BF BD, ten times).
    await callUnary("Register", message([1, utf8("dora")], [2, utf8(TEN_REPLACEMENT_CHARACTERS)]));
    const right = await callUnary("Login", message([1, utf8("dora")], [2, utf8(TEN_REPLACEMENT_CHARACTERS)]));
    expect(LoginResponse.decode(right).username).toBe("dora");
    await callUnary("Logout", new Uint8Array(), bearer(LoginResponse.decode(right).token));
    // Ten 0xfe bytes and ten 0xff bytes are neither that password nor each other: both refused, unhashed.
    for (const wrong of [repeated(0xfe, 10), repeated(0xff, 10)]) {
      const result = await statusOf(callUnary("Login", message([1, utf8("dora")], [2, wrong])));
      expect(result.code).toBe(status.INVALID_ARGUMENT);
    }
    expect(bed.service.isLoggedIn("dora")).toBe(false);
  });

  it("stores nothing sent with invalid UTF-8 content: the recipient's first message is the valid one after it", async () => {
    const result = await statusOf(
      callUnary("SendMessage", message([1, utf8("bob")], [2, repeated(0xff, 10)])),
    );
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    await callUnary("SendMessage", message([1, utf8("bob")], [2, utf8("valid")]));
    const subscribe = client.makeServerStreamRequest(
      "/chat.v1.ChatService/Subscribe",
      asIs,
      raw,
      new Uint8Array(),
      bearer(bobToken),
    );
    subscribe.on("error", () => {});
    const first = await new Promise<Buffer>((resolve) => subscribe.once("data", resolve));
    subscribe.cancel();
    expect(SubscribeResponse.decode(first).message?.content).toBe("valid");
  });

  it.each([
    ["to", (bad: Uint8Array) => chatSend(7, [1, bad], [2, utf8("hi")])],
    ["content", (bad: Uint8Array) => chatSend(7, [1, utf8("bob")], [2, bad])],
  ])(
    "on the Chat stream, a send with invalid UTF-8 in %s is answered INVALID_ARGUMENT and the stream goes on",
    async (_, build) => {
      const { chat, answered } = openChatStream(2);
      chat.write(build(repeated(0xff, 10)));
      chat.write(chatSend(8, [1, utf8("bob")], [2, utf8("valid")]));
      const responses = await answered;
      expect(responses[0]?.requestId).toBe(7);
      expect(responses[0]?.failure?.code).toBe(status.INVALID_ARGUMENT);
      expect(responses[0]?.failure?.message).toMatch(/not valid UTF-8/);
      expect(responses[1]?.requestId).toBe(8);
      expect(responses[1]?.sent).toBeDefined();
      chat.end();
      chat.cancel();
    },
  );

  it("on the Chat stream, invalid UTF-8 in one request of a batch refuses every request of that message", async () => {
    const { chat, answered } = openChatStream(3);
    // Request 7 is valid; request 9, in the same message's `more` (field 4, its `requests` field 1), is not.
    const batched = chatSend(9, [1, utf8("bob")], [2, repeated(0xff, 10)]);
    const writer = new BinaryWriter();
    writer.raw(chatSend(7, [1, utf8("bob")], [2, utf8("fine")]));
    writer.uint32((4 << 3) | 2).bytes(message([1, batched]));
    chat.write(writer.finish());
    chat.write(chatSend(10, [1, utf8("bob")], [2, utf8("valid")]));
    const responses = await answered;
    const byId = new Map(responses.map((response) => [response.requestId, response]));
    expect(byId.get(7)?.failure?.code).toBe(status.INVALID_ARGUMENT);
    expect(byId.get(9)?.failure?.code).toBe(status.INVALID_ARGUMENT);
    expect(byId.get(10)?.sent).toBeDefined();
    chat.end();
    chat.cancel();
  });
});
