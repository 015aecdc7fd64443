/**
 * `@chat/wire/codec`: the protocol itself, for code that speaks it without `WireClient`/`WireServer` (a
 * client in another runtime, a proxy, a traffic meter, a fuzzer). Pure: bytes in, bytes out, no sockets;
 * the layout of every frame is in docs/wire-protocol.md, and these names are its tables.
 */

export { accountListPieces, MORE_NOTE, NONE_NOTE, SEED_LIST_MAX_NAMES } from "./account-list-text.js";
export { compactFrameSizeAt, decodeCompactFrame } from "./compact-decoder.js";
export { encodeCompactFrame, encodeCompactFrameInto } from "./compact-encoder.js";
export {
  COMPACT_LENGTH_MAX_BYTES,
  COMPACT_MAX_FRAME_LENGTH,
  type Framing,
  MAX_COMPACT_FRAME_SIZE,
} from "./compact-layout.js";
export { DecodeError } from "./decode-error.js";
export { EncodeError } from "./encode-error.js";
export { chatErrorFrom, errorReply, goodbye, seedErrorText } from "./error-frames.js";
export { ALL_FEATURES, Feature, hasFeature, PROTOCOL_VERSION } from "./features.js";
export {
  readExactText,
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
export { fitText } from "./fit-text.js";
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
  LoginFrame,
  LseFrame,
  LsnFrame,
  LsqFrame,
  MidFrame,
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
export { decodeFrame } from "./frame-decoder.js";
export { encodeFrame, encodeFrameInto } from "./frame-encoder.js";
export * from "./frame-layout.js";
export { FrameReader } from "./frame-reader.js";
export { type FrameSink, FrameWriter } from "./frame-writer.js";
export { MAX_VARINT_BYTES, readVarint, type VarintRead, varintSize, writeVarint } from "./varint.js";
