import { BinaryReader } from "@bufbuild/protobuf/wire";
import { ChatError } from "@chat/core";
import { refuseRequest } from "./request-refusal.js";

/**
 * Strict UTF-8 for protobuf `string` fields. The generated ts-proto code decodes strings leniently (invalid
 * bytes become U+FFFD), so ten 0xff bytes and ten 0xfe bytes would be the same password and altered
 * message content would pass unnoticed. The generated code is left as generated; instead every `decode`
 * is handed a `BinaryReader` whose UTF-8 decoder is WHATWG's fatal one, which refuses exactly what
 * RFC 3629 forbids (stray continuation bytes, truncated sequences, overlong forms, encoded surrogates,
 * code points past U+10FFFF). The generated code decodes nested messages (a `Chat` request's send) with
 * the same reader, and repeated strings one by one, so every string field at every depth is checked. ASCII
 * strings never reach the decoder (the reader's fast path), so valid traffic costs nothing extra.
 */

/** Thrown by the strict decoder, so a bad string is told apart from any other malformed message. */
class InvalidUtf8Error extends Error {}

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeStrictUtf8(bytes: Uint8Array): string {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    throw new InvalidUtf8Error("a string field is not valid UTF-8");
  }
}

/** A ts-proto message codec, as far as decoding is concerned. */
export interface Decoder<Message> {
  decode(input: BinaryReader | Uint8Array): Message;
}

/**
 * A request deserializer that never lets invalid UTF-8 through. grpc-js answers a deserializer that throws
 * with `INTERNAL`, so a request with a bad string is instead decoded leniently and marked: the server's
 * handlers ask `refusalOf` (`request-refusal.ts`) before anything else and answer `INVALID_ARGUMENT` (on a `Chat` stream,
 * under the request's id). Any other malformed message throws as before.
 */
export function strictRequestDeserializer<Message extends object>(
  codec: Decoder<Message>,
): (bytes: Buffer) => Message {
  return (bytes) => {
    try {
      return codec.decode(new BinaryReader(bytes, decodeStrictUtf8));
    } catch (error) {
      if (!(error instanceof InvalidUtf8Error)) throw error;
      // Decoded again only to keep the fields that address the answer (a Chat request's id); its strings
      // are never used.
      const request = codec.decode(bytes);
      refuseRequest(request, new ChatError("INVALID_ARGUMENT", `${error.message}; the request was refused`));
      return request;
    }
  };
}

/** A response deserializer (the client's side) that throws on invalid UTF-8: grpc-js fails the call. */
export function strictResponseDeserializer<Message>(codec: Decoder<Message>): (bytes: Buffer) => Message {
  return (bytes) => codec.decode(new BinaryReader(bytes, decodeStrictUtf8));
}
