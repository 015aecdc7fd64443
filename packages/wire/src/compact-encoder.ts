import { MAX_COMPACT_FRAME_SIZE } from "./compact-layout.js";
import { EncodeError } from "./encode-error.js";
import { writeText, writeU8 } from "./field-codec.js";
import type { Frame } from "./frame.js";
import {
  checkClientMessageId,
  checkNameCount,
  deliveryByte,
  listRequestFlags,
  pageEndCursor,
  pageName,
} from "./frame-encoder.js";
import {
  CONTENT_WIDTH,
  CURSOR_WIDTH,
  FrameCode,
  PASSWORD_WIDTH,
  TEXT_WIDTH,
  USERNAME_WIDTH,
  WILDCARD_WIDTH,
} from "./frame-layout.js";
import { writeVarint } from "./varint.js";

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/** The largest value a one-byte varint holds; longer lengths take two bytes. */
const ONE_BYTE_VARINT_MAX = 0x7f;

/**
 * Writes `length` (below 16,384) as a varint in front of `length` bytes that were written two bytes after
 * `at`, and returns the offset after them. Writing first and moving a short value back by one byte is
 * cheaper than measuring UTF-8 before writing it.
 */
function prefixLength(target: Uint8Array, at: number, length: number): number {
  if (length <= ONE_BYTE_VARINT_MAX) {
    target.copyWithin(at + 1, at + 2, at + 2 + length);
    target[at] = length;
    return at + 1 + length;
  }
  target[at] = (length & ONE_BYTE_VARINT_MAX) | 0x80;
  target[at + 1] = length >>> 7;
  return at + 2 + length;
}

/** Writes a string as `varint length | UTF-8` at `at`, refusing what its fixed field would refuse. */
function text(target: Uint8Array, at: number, width: number, value: unknown, field: string): number {
  if (width <= ONE_BYTE_VARINT_MAX) {
    const length = writeText(target, at + 1, width, value, field);
    target[at] = length;
    return at + 1 + length;
  }
  return prefixLength(target, at, writeText(target, at + 2, width, value, field));
}

/**
 * Encodes `frame` in compact framing into `target` at `offset` and returns the bytes written. `target` must
 * have {@link MAX_COMPACT_FRAME_SIZE} bytes of room from `offset` (strings are staged at their full width
 * before being measured). Throws {@link EncodeError} for a value its field cannot carry, as the fixed encoder
 * does; bytes of `target` in that room may have been overwritten then.
 */
export function encodeCompactFrameInto(frame: Frame, target: Uint8Array, offset: number): number {
  if (offset < 0 || offset + MAX_COMPACT_FRAME_SIZE > target.length) {
    throw new RangeError(`no room for a compact frame at offset ${offset}`);
  }
  const code = FrameCode[frame.type];
  if (code === undefined) throw new EncodeError(`no frame type ${String(frame.type)}`, "type");
  // The code goes two bytes in, where a two-byte length prefix would end; prefixLength moves it back.
  const start = offset + 2;
  target[start] = code;
  let at = start + 1;
  switch (frame.type) {
    case "reg":
    case "log":
      at = text(target, at, USERNAME_WIDTH, frame.username, "username");
      at = text(target, at, PASSWORD_WIDTH, frame.password, "password");
      break;
    case "acf":
      at = text(target, at, WILDCARD_WIDTH, frame.pattern, "wildcard");
      break;
    case "msg":
      at = text(target, at, USERNAME_WIDTH, frame.to, "to");
      at = text(target, at, CONTENT_WIDTH, frame.content, "content");
      break;
    case "nms":
      at = text(target, at, USERNAME_WIDTH, frame.from, "from");
      at = text(target, at, CONTENT_WIDTH, frame.content, "content");
      break;
    case "err":
    case "suc":
      at = text(target, at, TEXT_WIDTH, frame.text, "text");
      break;
    case "hel":
    case "hey":
      at = writeVarint(target, at, frame.version, U16_MAX, "version");
      at = writeVarint(target, at, frame.features, U32_MAX, "features");
      break;
    case "lsq":
      target[at++] = listRequestFlags(frame);
      at = writeVarint(target, at, frame.pageSize ?? 0, U32_MAX, "pageSize");
      at = text(target, at, WILDCARD_WIDTH, frame.pattern, "pattern");
      at = text(target, at, CURSOR_WIDTH, frame.cursor ?? "", "cursor");
      break;
    case "lsn": {
      const count = checkNameCount(frame.names);
      target[at++] = count;
      for (let index = 0; index < count; index++) {
        at = text(target, at, USERNAME_WIDTH, pageName(frame.names, index), `names[${index}]`);
      }
      break;
    }
    case "lse":
      at = text(target, at, CURSOR_WIDTH, pageEndCursor(frame.cursor), "cursor");
      break;
    case "dlv":
      at = writeVarint(target, at, frame.seq, Number.MAX_SAFE_INTEGER, "seq");
      at = writeVarint(target, at, frame.sentAt, Number.MAX_SAFE_INTEGER, "sentAt");
      at = text(target, at, USERNAME_WIDTH, frame.from, "from");
      at = text(target, at, CONTENT_WIDTH, frame.content, "content");
      break;
    case "ack":
      at = writeVarint(target, at, frame.upToSeq, Number.MAX_SAFE_INTEGER, "upToSeq");
      break;
    case "png":
    case "pog":
      at = writeVarint(target, at, frame.nonce, U32_MAX, "nonce");
      break;
    case "erx":
    case "bye":
      writeU8(target, at++, frame.status, "status");
      at = text(target, at, TEXT_WIDTH, frame.text, "text");
      break;
    case "lin":
      at = text(target, at, USERNAME_WIDTH, frame.username, "username");
      break;
    case "snt":
      at = writeVarint(target, at, frame.seq, Number.MAX_SAFE_INTEGER, "seq");
      at = writeVarint(target, at, frame.sentAt, Number.MAX_SAFE_INTEGER, "sentAt");
      target[at++] = deliveryByte(frame.delivery);
      break;
    case "mid": {
      at = text(target, at, USERNAME_WIDTH, frame.to, "to");
      // Bytes, not text: a varint count (1-32) and the bytes, where the fixed layout has a length byte.
      const id = checkClientMessageId(frame.clientMessageId);
      target[at++] = id.length;
      target.set(id, at);
      at = text(target, at + id.length, CONTENT_WIDTH, frame.content, "content");
      break;
    }
    case "del":
    case "acd":
    case "out":
    case "ok":
      break;
  }
  return prefixLength(target, offset, at - start) - offset;
}

/** Scratch room for {@link encodeCompactFrame}; the result is copied out of it. */
const scratch = new Uint8Array(MAX_COMPACT_FRAME_SIZE);

/** Encodes `frame` in compact framing into a new array of exactly its size. Throws like {@link encodeCompactFrameInto}. */
export function encodeCompactFrame(frame: Frame): Uint8Array {
  return scratch.slice(0, encodeCompactFrameInto(frame, scratch, 0));
}
