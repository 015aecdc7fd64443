import { DecodeError } from "./decode-error.js";
import { readText, readU8, readU16, readU32, readU64 } from "./field-codec.js";
import type { Frame, LsqFrame, MidFrame } from "./frame.js";
import {
  ACF_WILDCARD_OFFSET,
  ACK_SEQ_OFFSET,
  CHAT_CONTENT_OFFSET,
  CHAT_USERNAME_OFFSET,
  CLIENT_MESSAGE_ID_MIN_LENGTH,
  CLIENT_MESSAGE_ID_WIDTH,
  CODE_OFFSET,
  CONTENT_WIDTH,
  CREDENTIALS_PASSWORD_OFFSET,
  CREDENTIALS_USERNAME_OFFSET,
  CURSOR_WIDTH,
  DLV_CONTENT_OFFSET,
  DLV_FROM_OFFSET,
  DLV_SENT_AT_OFFSET,
  DLV_SEQ_OFFSET,
  FRAME_SIZES,
  frameTypeOf,
  HEARTBEAT_NONCE_OFFSET,
  HELLO_FEATURES_OFFSET,
  HELLO_VERSION_OFFSET,
  LIN_USERNAME_OFFSET,
  LSE_CURSOR_OFFSET,
  LSN_COUNT_OFFSET,
  LSN_NAMES_OFFSET,
  LSQ_CURSOR_OFFSET,
  LSQ_FLAG_CURSOR,
  LSQ_FLAG_PAGE_SIZE,
  LSQ_FLAGS_OFFSET,
  LSQ_PAGE_SIZE_OFFSET,
  LSQ_PATTERN_OFFSET,
  MID_CONTENT_OFFSET,
  MID_ID_LENGTH_OFFSET,
  MID_ID_OFFSET,
  MID_TO_OFFSET,
  NAMES_PER_FRAME,
  PASSWORD_WIDTH,
  REPLY_TEXT_OFFSET,
  SNT_DELIVERY_LIVE,
  SNT_DELIVERY_OFFSET,
  SNT_DELIVERY_STORED,
  SNT_SENT_AT_OFFSET,
  SNT_SEQ_OFFSET,
  STATUS_OFFSET,
  STATUS_TEXT_OFFSET,
  TEXT_WIDTH,
  USERNAME_WIDTH,
  WILDCARD_WIDTH,
} from "./frame-layout.js";

function badField(code: number, field: string, why: string): DecodeError {
  return new DecodeError(`frame code ${code}: field ${field} ${why}`, false, code, field);
}

/**
 * Decodes the one frame that starts at `offset` of `source`. Throws a fatal {@link DecodeError} for an
 * unknown code or too few bytes, and a non-fatal one naming the field when a field is invalid.
 */
export function decodeFrame(source: Uint8Array, offset = 0): Frame {
  const code = source[offset + CODE_OFFSET];
  if (code === undefined) throw new DecodeError("no bytes to decode", true, undefined);
  const type = frameTypeOf(code);
  if (type === undefined) throw new DecodeError(`unknown message code ${code}`, true, code);
  if (source.length - offset < FRAME_SIZES[type]) {
    throw new DecodeError(`frame code ${code} is truncated`, true, code);
  }
  const text = (at: number, width: number, field: string): string =>
    readText(source, offset + at, width, code, field);
  switch (type) {
    case "reg":
    case "log":
      return {
        type,
        username: text(CREDENTIALS_USERNAME_OFFSET, USERNAME_WIDTH, "username"),
        password: text(CREDENTIALS_PASSWORD_OFFSET, PASSWORD_WIDTH, "password"),
      };
    case "del":
    case "acd":
    case "out":
    case "ok":
      return { type };
    case "acf":
      return { type, pattern: text(ACF_WILDCARD_OFFSET, WILDCARD_WIDTH, "wildcard") };
    case "msg":
      return {
        type,
        to: text(CHAT_USERNAME_OFFSET, USERNAME_WIDTH, "to"),
        content: text(CHAT_CONTENT_OFFSET, CONTENT_WIDTH, "content"),
      };
    case "nms":
      return {
        type,
        from: text(CHAT_USERNAME_OFFSET, USERNAME_WIDTH, "from"),
        content: text(CHAT_CONTENT_OFFSET, CONTENT_WIDTH, "content"),
      };
    case "err":
    case "suc":
      return { type, text: text(REPLY_TEXT_OFFSET, TEXT_WIDTH, "text") };
    case "hel":
    case "hey":
      return {
        type,
        version: readU16(source, offset + HELLO_VERSION_OFFSET),
        features: readU32(source, offset + HELLO_FEATURES_OFFSET),
      };
    case "lsq":
      return decodeListRequest(source, offset, code);
    case "lsn":
      return { type, names: decodeNames(source, offset, code) };
    case "lse": {
      const cursor = text(LSE_CURSOR_OFFSET, CURSOR_WIDTH, "cursor");
      return cursor === "" ? { type } : { type, cursor };
    }
    case "dlv":
      return {
        type,
        seq: readU64(source, offset + DLV_SEQ_OFFSET, code, "seq"),
        sentAt: readU64(source, offset + DLV_SENT_AT_OFFSET, code, "sentAt"),
        from: text(DLV_FROM_OFFSET, USERNAME_WIDTH, "from"),
        content: text(DLV_CONTENT_OFFSET, CONTENT_WIDTH, "content"),
      };
    case "ack":
      return { type, upToSeq: readU64(source, offset + ACK_SEQ_OFFSET, code, "upToSeq") };
    case "png":
    case "pog":
      return { type, nonce: readU32(source, offset + HEARTBEAT_NONCE_OFFSET) };
    case "erx":
    case "bye":
      return {
        type,
        status: readU8(source, offset + STATUS_OFFSET),
        text: text(STATUS_TEXT_OFFSET, TEXT_WIDTH, "text"),
      };
    case "lin":
      return { type, username: text(LIN_USERNAME_OFFSET, USERNAME_WIDTH, "username") };
    case "snt": {
      const seq = readU64(source, offset + SNT_SEQ_OFFSET, code, "seq");
      const sentAt = readU64(source, offset + SNT_SENT_AT_OFFSET, code, "sentAt");
      return { type, seq, sentAt, delivery: deliveryOf(readU8(source, offset + SNT_DELIVERY_OFFSET), code) };
    }
    case "mid":
      return decodeIdempotentMessage(source, offset, code);
  }
}

function decodeIdempotentMessage(source: Uint8Array, offset: number, code: number): MidFrame {
  const to = readText(source, offset + MID_TO_OFFSET, USERNAME_WIDTH, code, "to");
  const length = readU8(source, offset + MID_ID_LENGTH_OFFSET);
  if (length < CLIENT_MESSAGE_ID_MIN_LENGTH || length > CLIENT_MESSAGE_ID_WIDTH) {
    throw badField(
      code,
      "clientMessageId",
      `length must be ${CLIENT_MESSAGE_ID_MIN_LENGTH}-${CLIENT_MESSAGE_ID_WIDTH}`,
    );
  }
  const start = offset + MID_ID_OFFSET;
  for (let byte = start + length; byte < start + CLIENT_MESSAGE_ID_WIDTH; byte++) {
    if (source[byte] !== 0) throw badField(code, "clientMessageId", "must be zero past its length");
  }
  // A plain copy, not a view: the frame outlives the socket's buffer it was read from.
  const clientMessageId = new Uint8Array(source.subarray(start, start + length));
  const content = readText(source, offset + MID_CONTENT_OFFSET, CONTENT_WIDTH, code, "content");
  return { type: "mid", to, clientMessageId, content };
}

function decodeListRequest(source: Uint8Array, offset: number, code: number): LsqFrame {
  const flags = readU8(source, offset + LSQ_FLAGS_OFFSET);
  const pageSize = readU32(source, offset + LSQ_PAGE_SIZE_OFFSET);
  const pattern = readText(source, offset + LSQ_PATTERN_OFFSET, WILDCARD_WIDTH, code, "pattern");
  const cursor = readText(source, offset + LSQ_CURSOR_OFFSET, CURSOR_WIDTH, code, "cursor");
  return listRequestOf(flags, pageSize, pattern, cursor, code);
}

/*
 * Rules of single frames that are the same in fixed and compact framing (compact-decoder.ts uses them too).
 */

/** The `lsq` frame of its four fields, checking that the flags and the optional fields agree. */
export function listRequestOf(
  flags: number,
  pageSize: number,
  pattern: string,
  cursor: string,
  code: number,
): LsqFrame {
  if ((flags & ~(LSQ_FLAG_PAGE_SIZE | LSQ_FLAG_CURSOR)) !== 0)
    throw badField(code, "flags", "has unknown bits");
  if ((flags & LSQ_FLAG_PAGE_SIZE) === 0 && pageSize !== 0) {
    throw badField(code, "pageSize", "must be zero when its flag is clear");
  }
  if ((flags & LSQ_FLAG_CURSOR) === 0 && cursor !== "") {
    throw badField(code, "cursor", "must be empty when its flag is clear");
  }
  return {
    type: "lsq",
    pattern,
    ...((flags & LSQ_FLAG_PAGE_SIZE) === 0 ? {} : { pageSize }),
    ...((flags & LSQ_FLAG_CURSOR) === 0 ? {} : { cursor }),
  };
}

/** The `snt` delivery of its byte. */
export function deliveryOf(byte: number, code: number): "live" | "stored" {
  if (byte === SNT_DELIVERY_LIVE) return "live";
  if (byte === SNT_DELIVERY_STORED) return "stored";
  throw badField(code, "delivery", `must be ${SNT_DELIVERY_LIVE} or ${SNT_DELIVERY_STORED}`);
}

/** The `lsn` count, checked against the most one frame holds. */
export function nameCountOf(count: number, code: number): number {
  if (count > NAMES_PER_FRAME) throw badField(code, "count", `must be at most ${NAMES_PER_FRAME}`);
  return count;
}

/** Name `index` of an `lsn`, which may not be empty. */
export function pageNameOf(name: string, index: number, code: number): string {
  if (name === "") throw badField(code, `names[${index}]`, "is empty");
  return name;
}

function decodeNames(source: Uint8Array, offset: number, code: number): string[] {
  const count = nameCountOf(readU8(source, offset + LSN_COUNT_OFFSET), code);
  const names: string[] = [];
  for (let index = 0; index < NAMES_PER_FRAME; index++) {
    const at = offset + LSN_NAMES_OFFSET + index * USERNAME_WIDTH;
    if (index < count) {
      names.push(pageNameOf(readText(source, at, USERNAME_WIDTH, code, `names[${index}]`), index, code));
    } else {
      for (let byte = at; byte < at + USERNAME_WIDTH; byte++) {
        if (source[byte] !== 0) throw badField(code, `names[${index}]`, "must be empty past count");
      }
    }
  }
  return names;
}
