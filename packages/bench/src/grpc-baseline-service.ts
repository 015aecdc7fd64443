import type { MethodDefinition } from "@grpc/grpc-js";

/*
 * A hand-written gRPC service with no protobuf at all (messages are raw bytes), so its figures are what
 * grpc-js itself allows on this machine: the baseline the chat's gRPC transport is read against.
 *   Echo      unary: returns the request bytes.
 *   Send      unary: the first two bytes name a pair; the rest is pushed on that pair's Subscribe stream,
 *             and an 18-byte reply comes back (the shape of the chat's SendMessage + delivery).
 *   Subscribe server streaming: the request is the two-byte pair number; receives what Send pushes.
 */

function identity(bytes: Buffer): Buffer {
  return bytes;
}

function method(path: string, responseStream: boolean): MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

/** The baseline service's methods. */
export const GRPC_BASELINE_METHODS = {
  echo: method("/bench.Bench/Echo", false),
  send: method("/bench.Bench/Send", false),
  subscribe: method("/bench.Bench/Subscribe", true),
} as const;

/** Size of the reply to Send: the size of a wire `snt`, for symmetry with the chat. */
export const GRPC_BASELINE_REPLY_BYTES = 18;

/** Encodes a pair number the way Send and Subscribe expect it. */
export function pairHeader(pair: number): Buffer {
  const header = Buffer.alloc(2);
  header.writeUInt16BE(pair, 0);
  return header;
}
