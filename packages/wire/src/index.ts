/**
 * `@chat/wire`: the chat's struct wire protocol over TCP. The seed's fixed-layout frames (codes 0–8),
 * byte-exact, plus negotiated extensions (codes 9 and up); a pure codec, a stream frame reader, and a
 * `WireServer`/`WireClient` pair over `node:net`. See docs/wire-protocol.md.
 */

/** Splitting an account list into seed `suc` texts. */
export { accountListPieces, MORE_NOTE, NONE_NOTE, SEED_LIST_MAX_NAMES } from "./account-list-text.js";
/** The error for bytes that are not a valid frame. */
export { DecodeError } from "./decode-error.js";
/** The error for values that do not fit their field. */
export { EncodeError } from "./encode-error.js";
/** Converting between `ChatError` and error frames. */
export { chatErrorFrom, errorReply, goodbye, seedErrorText } from "./error-frames.js";
/** Protocol version and feature bits negotiated by `hel`/`hey`. */
export { ALL_FEATURES, Feature, hasFeature, PROTOCOL_VERSION } from "./features.js";
/** Reading and writing single fields (strings and big-endian integers). */
export {
  readText,
  readU8,
  readU16,
  readU32,
  readU64,
  writeText,
  writeU8,
  writeU16,
  writeU32,
  writeU64,
} from "./field-codec.js";
/** Shortening reply texts to a byte budget at a character boundary. */
export { fitText } from "./fit-text.js";
/** The decoded form of every frame. */
export type {
  AcdFrame,
  AcfFrame,
  AckFrame,
  ByeFrame,
  DelFrame,
  DlvFrame,
  ErrFrame,
  ErxFrame,
  Frame,
  HelFrame,
  HeyFrame,
  LinFrame,
  LogFrame,
  LseFrame,
  LsnFrame,
  LsqFrame,
  MsgFrame,
  NmsFrame,
  OkFrame,
  OutFrame,
  PngFrame,
  PogFrame,
  RegFrame,
  SntFrame,
  SucFrame,
} from "./frame.js";
/** Decoding one frame from bytes. */
export { decodeFrame } from "./frame-decoder.js";
/** Encoding frames to bytes. */
export { encodedSize, encodeFrame, encodeFrameInto } from "./frame-encoder.js";
/** Every code, offset, width and size of the protocol. */
export * from "./frame-layout.js";
/** The push-style stream frame reader. */
export { FrameReader } from "./frame-reader.js";
/** Batched frame writing to a socket. */
export { type FrameSink, FrameWriter } from "./frame-writer.js";
/** The client. */
export { WireClient } from "./wire-client.js";
/** The client's settings. */
export {
  DEFAULT_CLIENT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_CLIENT_HEARTBEAT_TIMEOUT_MS,
  type WireClientOptions,
} from "./wire-client-options.js";
/** The server. */
export { type WireAddress, type WireListenOptions, WireServer, type WireServerStats } from "./wire-server.js";
/** The server's settings. */
export {
  MIN_WRITE_HIGH_WATER_MARK,
  type ResolvedWireServerOptions,
  resolveServerOptions,
  type WireServerOptions,
} from "./wire-server-options.js";
