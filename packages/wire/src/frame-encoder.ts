import { EncodeError } from "./encode-error.js";
import { writeText, writeU8, writeU16, writeU32, writeU64 } from "./field-codec.js";
import type { Frame, LsqFrame } from "./frame.js";
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
  FrameCode,
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

/**
 * Encodes `frame` into `target` at `offset` and returns the number of bytes written (its fixed size).
 * Throws {@link EncodeError} for a value that does not fit its field; nothing is ever cut. On error, bytes
 * of `target` within the frame's extent may have been overwritten.
 */
export function encodeFrameInto(frame: Frame, target: Uint8Array, offset: number): number {
  const size = FRAME_SIZES[frame.type];
  if (offset < 0 || offset + size > target.length) {
    throw new RangeError(`no room for a ${size}-byte ${frame.type} frame at offset ${offset}`);
  }
  target[offset + CODE_OFFSET] = FrameCode[frame.type];
  switch (frame.type) {
    case "reg":
    case "log":
      writeText(target, offset + CREDENTIALS_USERNAME_OFFSET, USERNAME_WIDTH, frame.username, "username");
      writeText(target, offset + CREDENTIALS_PASSWORD_OFFSET, PASSWORD_WIDTH, frame.password, "password");
      break;
    case "acf":
      writeText(target, offset + ACF_WILDCARD_OFFSET, WILDCARD_WIDTH, frame.pattern, "wildcard");
      break;
    case "msg":
      writeText(target, offset + CHAT_USERNAME_OFFSET, USERNAME_WIDTH, frame.to, "to");
      writeText(target, offset + CHAT_CONTENT_OFFSET, CONTENT_WIDTH, frame.content, "content");
      break;
    case "nms":
      writeText(target, offset + CHAT_USERNAME_OFFSET, USERNAME_WIDTH, frame.from, "from");
      writeText(target, offset + CHAT_CONTENT_OFFSET, CONTENT_WIDTH, frame.content, "content");
      break;
    case "err":
    case "suc":
      writeText(target, offset + REPLY_TEXT_OFFSET, TEXT_WIDTH, frame.text, "text");
      break;
    case "hel":
    case "hey":
      writeU16(target, offset + HELLO_VERSION_OFFSET, frame.version, "version");
      writeU32(target, offset + HELLO_FEATURES_OFFSET, frame.features, "features");
      break;
    case "lsq":
      encodeListRequest(frame, target, offset);
      break;
    case "lsn":
      encodeNames(frame.names, target, offset);
      break;
    case "lse":
      writeText(target, offset + LSE_CURSOR_OFFSET, CURSOR_WIDTH, pageEndCursor(frame.cursor), "cursor");
      break;
    case "dlv":
      writeU64(target, offset + DLV_SEQ_OFFSET, frame.seq, "seq");
      writeU64(target, offset + DLV_SENT_AT_OFFSET, frame.sentAt, "sentAt");
      writeText(target, offset + DLV_FROM_OFFSET, USERNAME_WIDTH, frame.from, "from");
      writeText(target, offset + DLV_CONTENT_OFFSET, CONTENT_WIDTH, frame.content, "content");
      break;
    case "ack":
      writeU64(target, offset + ACK_SEQ_OFFSET, frame.upToSeq, "upToSeq");
      break;
    case "png":
    case "pog":
      writeU32(target, offset + HEARTBEAT_NONCE_OFFSET, frame.nonce, "nonce");
      break;
    case "erx":
    case "bye":
      writeU8(target, offset + STATUS_OFFSET, frame.status, "status");
      writeText(target, offset + STATUS_TEXT_OFFSET, TEXT_WIDTH, frame.text, "text");
      break;
    case "lin":
      writeText(target, offset + LIN_USERNAME_OFFSET, USERNAME_WIDTH, frame.username, "username");
      break;
    case "snt":
      writeU64(target, offset + SNT_SEQ_OFFSET, frame.seq, "seq");
      writeU64(target, offset + SNT_SENT_AT_OFFSET, frame.sentAt, "sentAt");
      target[offset + SNT_DELIVERY_OFFSET] = deliveryByte(frame.delivery);
      break;
    case "mid":
      writeText(target, offset + MID_TO_OFFSET, USERNAME_WIDTH, frame.to, "to");
      encodeClientMessageId(frame.clientMessageId, target, offset);
      writeText(target, offset + MID_CONTENT_OFFSET, CONTENT_WIDTH, frame.content, "content");
      break;
    case "del":
    case "acd":
    case "out":
    case "ok":
      break;
  }
  return size;
}

function encodeClientMessageId(id: unknown, target: Uint8Array, offset: number): void {
  const bytes = checkClientMessageId(id);
  target[offset + MID_ID_LENGTH_OFFSET] = bytes.length;
  target.set(bytes, offset + MID_ID_OFFSET);
  target.fill(0, offset + MID_ID_OFFSET + bytes.length, offset + MID_ID_OFFSET + CLIENT_MESSAGE_ID_WIDTH);
}

function encodeListRequest(frame: LsqFrame, target: Uint8Array, offset: number): void {
  target[offset + LSQ_FLAGS_OFFSET] = listRequestFlags(frame);
  writeU32(target, offset + LSQ_PAGE_SIZE_OFFSET, frame.pageSize ?? 0, "pageSize");
  writeText(target, offset + LSQ_PATTERN_OFFSET, WILDCARD_WIDTH, frame.pattern, "pattern");
  writeText(target, offset + LSQ_CURSOR_OFFSET, CURSOR_WIDTH, frame.cursor ?? "", "cursor");
}

function encodeNames(names: readonly string[], target: Uint8Array, offset: number): void {
  target[offset + LSN_COUNT_OFFSET] = checkNameCount(names);
  for (let index = 0; index < NAMES_PER_FRAME; index++) {
    const at = offset + LSN_NAMES_OFFSET + index * USERNAME_WIDTH;
    if (index < names.length)
      writeText(target, at, USERNAME_WIDTH, pageName(names, index), `names[${index}]`);
    else target.fill(0, at, at + USERNAME_WIDTH);
  }
}

/*
 * Rules of single frames that are the same in fixed and compact framing (compact-encoder.ts uses them too).
 */

/** The `lse` cursor field's value: empty for "no more pages", so an empty cursor itself is refused. */
export function pageEndCursor(cursor: string | undefined): string {
  if (cursor === "") throw new EncodeError("cursor must not be empty (leave it out instead)", "cursor");
  return cursor ?? "";
}

/** The `snt` delivery byte. */
export function deliveryByte(delivery: unknown): number {
  if (delivery === "live") return SNT_DELIVERY_LIVE;
  if (delivery === "stored") return SNT_DELIVERY_STORED;
  throw new EncodeError("delivery must be 'live' or 'stored'", "delivery");
}

/** The `lsq` flags byte: which optional fields are set. */
export function listRequestFlags(frame: LsqFrame): number {
  let flags = 0;
  if (frame.pageSize !== undefined) flags |= LSQ_FLAG_PAGE_SIZE;
  if (frame.cursor !== undefined) flags |= LSQ_FLAG_CURSOR;
  return flags;
}

/** A `mid`'s client message id, once it is known to be bytes of an allowed length. */
export function checkClientMessageId(id: unknown): Uint8Array {
  if (!(id instanceof Uint8Array)) throw new EncodeError("clientMessageId must be bytes", "clientMessageId");
  if (id.length < CLIENT_MESSAGE_ID_MIN_LENGTH || id.length > CLIENT_MESSAGE_ID_WIDTH) {
    throw new EncodeError(
      `clientMessageId must be ${CLIENT_MESSAGE_ID_MIN_LENGTH}-${CLIENT_MESSAGE_ID_WIDTH} bytes (got ${id.length})`,
      "clientMessageId",
    );
  }
  return id;
}

/** The `lsn` count byte, once `names` is known to be a list that fits one frame. */
export function checkNameCount(names: readonly string[]): number {
  if (!Array.isArray(names) || names.length > NAMES_PER_FRAME) {
    throw new EncodeError(`names must be a list of at most ${NAMES_PER_FRAME}`, "names");
  }
  return names.length;
}

/** Name `index` of an `lsn`, which may not be empty (an empty slot is the end of the list). */
export function pageName(names: readonly string[], index: number): string {
  const name = names[index] as string;
  if (name === "") throw new EncodeError(`names[${index}] must not be empty`, `names[${index}]`);
  return name;
}

/** Encodes `frame` into a new array of exactly its size. Throws {@link EncodeError} like {@link encodeFrameInto}. */
export function encodeFrame(frame: Frame): Uint8Array {
  const bytes = new Uint8Array(FRAME_SIZES[frame.type]);
  encodeFrameInto(frame, bytes, 0);
  return bytes;
}
