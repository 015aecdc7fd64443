import {
  COMPACT_LENGTH_MAX_BYTES,
  COMPACT_MAX_FRAME_LENGTH,
  MAX_COMPACT_FRAME_SIZE,
} from "./compact-layout.js";
import { DecodeError } from "./decode-error.js";
import { readExactText } from "./field-codec.js";
import type { Frame } from "./frame.js";
import { deliveryOf, listRequestOf, nameCountOf, pageNameOf } from "./frame-decoder.js";
import {
  CLIENT_MESSAGE_ID_MIN_LENGTH,
  CLIENT_MESSAGE_ID_WIDTH,
  CONTENT_WIDTH,
  CURSOR_WIDTH,
  frameTypeOf,
  PASSWORD_WIDTH,
  TEXT_WIDTH,
  USERNAME_WIDTH,
  WILDCARD_WIDTH,
} from "./frame-layout.js";
import { readVarint, type VarintRead } from "./varint.js";

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/** The high bit of a varint byte: a second length byte follows. */
const LENGTH_CONTINUES = 0x80;

/** Reused by every read of a length prefix or field varint (decoding is synchronous). */
const varint: VarintRead = { value: 0, next: 0 };

/**
 * The size (length prefix included) of the compact frame starting at `offset`, reading no byte at or after
 * `end`; `undefined` when more bytes are needed to tell. Throws a fatal {@link DecodeError} when the prefix
 * or the code is not a frame's: the frame boundary is lost then.
 */
export function compactFrameSizeAt(source: Uint8Array, offset: number, end: number): number | undefined {
  let complete: boolean;
  try {
    complete = readVarint(
      source,
      offset,
      Math.min(end, offset + COMPACT_LENGTH_MAX_BYTES),
      COMPACT_MAX_FRAME_LENGTH,
      -1,
      "length",
      varint,
    );
  } catch {
    throw new DecodeError(`compact frame length is not 1-${COMPACT_MAX_FRAME_LENGTH}`, true, undefined);
  }
  if (!complete) {
    if (end - offset >= COMPACT_LENGTH_MAX_BYTES) {
      throw new DecodeError(`compact frame length is not 1-${COMPACT_MAX_FRAME_LENGTH}`, true, undefined);
    }
    return undefined;
  }
  const length = varint.value;
  if (length === 0) throw new DecodeError("compact frame length is 0", true, undefined);
  const codeAt = varint.next;
  if (codeAt >= end) return undefined;
  const code = source[codeAt] as number;
  if (frameTypeOf(code) === undefined) throw new DecodeError(`unknown message code ${code}`, true, code);
  return codeAt - offset + length;
}

/** Reads the fields of one compact frame in order; every read stays inside the frame. */
class FieldCursor {
  constructor(
    private readonly source: Uint8Array,
    private at: number,
    private readonly end: number,
    private readonly code: number,
  ) {}

  private cut(field: string): DecodeError {
    return new DecodeError(`frame code ${this.code}: field ${field} is cut short`, false, this.code, field);
  }

  number(max: number, field: string): number {
    if (!readVarint(this.source, this.at, this.end, max, this.code, field, varint)) throw this.cut(field);
    this.at = varint.next;
    return varint.value;
  }

  byte(field: string): number {
    if (this.at >= this.end) throw this.cut(field);
    return this.source[this.at++] as number;
  }

  text(width: number, field: string): string {
    const length = this.number(width, field);
    if (this.at + length > this.end) throw this.cut(field);
    const value = readExactText(this.source, this.at, length, this.code, field);
    this.at += length;
    return value;
  }

  /** A byte string of `min` to `max` bytes after its varint count, copied out of the source. */
  bytes(min: number, max: number, field: string): Uint8Array {
    const length = this.number(max, field);
    if (length < min) {
      throw new DecodeError(
        `frame code ${this.code}: field ${field} length must be ${min}-${max}`,
        false,
        this.code,
        field,
      );
    }
    if (this.at + length > this.end) throw this.cut(field);
    // A plain copy, not a view (nor a Buffer, whose slice is a view): the frame outlives the socket's buffer.
    const value = new Uint8Array(this.source.subarray(this.at, this.at + length));
    this.at += length;
    return value;
  }

  /** The frame must end where its last field does. */
  finish<T>(frame: T): T {
    if (this.at !== this.end) {
      throw new DecodeError(
        `frame code ${this.code} has ${this.end - this.at} bytes past its last field`,
        false,
        this.code,
        "length",
      );
    }
    return frame;
  }
}

/**
 * Decodes the one compact frame that starts at `offset` of `source`. Throws a fatal {@link DecodeError} for
 * a bad length prefix, an unknown code or too few bytes, and a non-fatal one naming the field when a field
 * is invalid (the prefix says where the frame ends, so the stream stays in sync).
 */
export function decodeCompactFrame(source: Uint8Array, offset = 0): Frame {
  if (offset >= source.length) throw new DecodeError("no bytes to decode", true, undefined);
  const size = compactFrameSizeAt(source, offset, Math.min(source.length, offset + MAX_COMPACT_FRAME_SIZE));
  const codeAt = offset + (((source[offset] as number) & LENGTH_CONTINUES) === 0 ? 1 : 2);
  if (size === undefined || offset + size > source.length) {
    throw new DecodeError("compact frame is truncated", true, source[codeAt]);
  }
  const code = source[codeAt] as number;
  const end = offset + size;
  const type = frameTypeOf(code) as Frame["type"];
  const fields = new FieldCursor(source, codeAt + 1, end, code);
  switch (type) {
    case "reg":
    case "log":
      return fields.finish({
        type,
        username: fields.text(USERNAME_WIDTH, "username"),
        password: fields.text(PASSWORD_WIDTH, "password"),
      });
    case "del":
    case "acd":
    case "out":
    case "ok":
      return fields.finish({ type });
    case "acf":
      return fields.finish({ type, pattern: fields.text(WILDCARD_WIDTH, "wildcard") });
    case "msg":
      return fields.finish({
        type,
        to: fields.text(USERNAME_WIDTH, "to"),
        content: fields.text(CONTENT_WIDTH, "content"),
      });
    case "nms":
      return fields.finish({
        type,
        from: fields.text(USERNAME_WIDTH, "from"),
        content: fields.text(CONTENT_WIDTH, "content"),
      });
    case "err":
    case "suc":
      return fields.finish({ type, text: fields.text(TEXT_WIDTH, "text") });
    case "hel":
    case "hey":
      return fields.finish({
        type,
        version: fields.number(U16_MAX, "version"),
        features: fields.number(U32_MAX, "features"),
      });
    case "lsq": {
      const flags = fields.byte("flags");
      const pageSize = fields.number(U32_MAX, "pageSize");
      const pattern = fields.text(WILDCARD_WIDTH, "pattern");
      const cursor = fields.text(CURSOR_WIDTH, "cursor");
      return fields.finish(listRequestOf(flags, pageSize, pattern, cursor, code));
    }
    case "lsn": {
      const count = nameCountOf(fields.byte("count"), code);
      const names: string[] = [];
      for (let index = 0; index < count; index++) {
        names.push(pageNameOf(fields.text(USERNAME_WIDTH, `names[${index}]`), index, code));
      }
      return fields.finish({ type, names });
    }
    case "lse": {
      const cursor = fields.text(CURSOR_WIDTH, "cursor");
      return fields.finish(cursor === "" ? { type } : { type, cursor });
    }
    case "dlv":
      return fields.finish({
        type,
        seq: fields.number(Number.MAX_SAFE_INTEGER, "seq"),
        sentAt: fields.number(Number.MAX_SAFE_INTEGER, "sentAt"),
        from: fields.text(USERNAME_WIDTH, "from"),
        content: fields.text(CONTENT_WIDTH, "content"),
      });
    case "ack":
      return fields.finish({ type, upToSeq: fields.number(Number.MAX_SAFE_INTEGER, "upToSeq") });
    case "png":
    case "pog":
      return fields.finish({ type, nonce: fields.number(U32_MAX, "nonce") });
    case "erx":
    case "bye":
      return fields.finish({ type, status: fields.byte("status"), text: fields.text(TEXT_WIDTH, "text") });
    case "lin":
      return fields.finish({ type, username: fields.text(USERNAME_WIDTH, "username") });
    case "snt":
      return fields.finish({
        type,
        seq: fields.number(Number.MAX_SAFE_INTEGER, "seq"),
        sentAt: fields.number(Number.MAX_SAFE_INTEGER, "sentAt"),
        delivery: deliveryOf(fields.byte("delivery"), code),
      });
    case "mid":
      return fields.finish({
        type,
        to: fields.text(USERNAME_WIDTH, "to"),
        clientMessageId: fields.bytes(
          CLIENT_MESSAGE_ID_MIN_LENGTH,
          CLIENT_MESSAGE_ID_WIDTH,
          "clientMessageId",
        ),
        content: fields.text(CONTENT_WIDTH, "content"),
      });
  }
}
