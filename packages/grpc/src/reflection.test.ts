import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Client, credentials } from "@grpc/grpc-js";
import { afterEach, expect, it } from "vitest";
import { startTestBed, type TestBed } from "./testing/grpc-test-kit.js";

let bed: TestBed;

afterEach(async () => {
  await bed.close();
});

/** `grpc.reflection.v1.ServerReflectionRequest` with one of its string fields set (hand-encoded). */
function reflectionRequest(field: number, value: string): Buffer {
  return Buffer.from(
    new BinaryWriter()
      .uint32((field << 3) | 2)
      .string(value)
      .finish(),
  );
}

/** The length-delimited fields of one message, by field number. */
function fields(bytes: Uint8Array): Map<number, Uint8Array[]> {
  const reader = new BinaryReader(bytes);
  const found = new Map<number, Uint8Array[]>();
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (wireType !== 2) {
      reader.skip(wireType);
      continue;
    }
    const list = found.get(field) ?? [];
    list.push(reader.bytes());
    found.set(field, list);
  }
  return found;
}

/** One request on the reflection stream, as a standard tool (grpcurl) sends it; the raw response. */
async function reflect(request: Buffer): Promise<Uint8Array> {
  const client = new Client(`127.0.0.1:${bed.port}`, credentials.createInsecure());
  try {
    const call = client.makeBidiStreamRequest(
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
      (value: Buffer) => value,
      (value: Buffer) => value,
    );
    const response = new Promise<Uint8Array>((resolve, reject) => {
      call.once("data", resolve);
      call.once("error", reject);
    });
    call.write(request);
    call.end();
    return await response;
  } finally {
    client.close();
  }
}

it("lists chat.v1.ChatService through gRPC server reflection", async () => {
  bed = await startTestBed();
  // list_services = 7 → list_services_response = 6 → repeated ServiceResponse service = 1 → name = 1.
  const response = fields(await reflect(reflectionRequest(7, "*")));
  const list = fields(response.get(6)?.[0] ?? new Uint8Array());
  const names = (list.get(1) ?? []).map((service) =>
    new TextDecoder().decode(fields(service).get(1)?.[0] ?? new Uint8Array()),
  );
  expect(names).toContain("chat.v1.ChatService");
});

it("serves the .proto's descriptor for the service symbol", async () => {
  bed = await startTestBed();
  // file_containing_symbol = 4 → file_descriptor_response = 4 → repeated bytes file_descriptor_proto = 1.
  const response = fields(await reflect(reflectionRequest(4, "chat.v1.ChatService")));
  const files = fields(response.get(4)?.[0] ?? new Uint8Array()).get(1) ?? [];
  const descriptors = files.map((file) => fromBinary(FileDescriptorProtoSchema, file));
  const chat = descriptors.find((file) => file.name === "chat/v1/chat.proto");
  expect(chat?.package).toBe("chat.v1");
  expect(chat?.service[0]?.method.map((method) => method.name)).toEqual([
    "Register",
    "Login",
    "Logout",
    "DeleteAccount",
    "ListAccounts",
    "SendMessage",
    "Ack",
    "Subscribe",
    "Chat",
  ]);
});
