import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";
import type { Frame, LsqFrame } from "./frame.js";
import {
  CLIENT_MESSAGE_ID_MIN_LENGTH,
  CLIENT_MESSAGE_ID_WIDTH,
  CONTENT_WIDTH,
  CURSOR_WIDTH,
  type FrameType,
  LSQ_FLAG_CURSOR,
  LSQ_FLAG_PAGE_SIZE,
  NAMES_PER_FRAME,
  PASSWORD_WIDTH,
  SNT_DELIVERY_LIVE,
  SNT_DELIVERY_STORED,
  TEXT_WIDTH,
  USERNAME_WIDTH,
  WILDCARD_WIDTH,
} from "./frame-layout.js";

/*
 * The fields of every frame, in order, and the rules of single frames: written once for both framings.
 * The fixed layout (frame-encoder.ts, frame-decoder.ts) puts each field at its offset and full width;
 * compact framing (compact-encoder.ts, compact-decoder.ts) writes it at its own size. A framing supplies
 * only how one field of each kind is written ({@link FieldWriter}) and read ({@link FieldReader}).
 */

/** How a framing writes the next field of a frame. Throws {@link EncodeError} for a value it cannot carry. */
export interface FieldWriter {
  /** A string whose fixed field is `width` bytes. */
  text(value: unknown, width: number, field: string): void;
  /** An unsigned integer of one byte, of up to 16, 32 and 53 bits. */
  u8(value: unknown, field: string): void;
  u16(value: unknown, field: string): void;
  u32(value: unknown, field: string): void;
  u64(value: unknown, field: string): void;
  /** Bytes already checked to fit `width` (the client message id), with their length. */
  bytes(value: Uint8Array, width: number): void;
  /** A slot the frame leaves unused (an `lsn` name past its count) of a `width`-byte field. */
  unusedSlot(width: number): void;
}

/**
 * How a framing reads the next field of a frame: the inverse of its {@link FieldWriter}. Throws a non-fatal
 * {@link DecodeError} naming the field when its bytes are not a value the writer could have written.
 */
export interface FieldReader {
  text(width: number, field: string): string;
  u8(field: string): number;
  u16(field: string): number;
  u32(field: string): number;
  u64(field: string): number;
  /** `min` to `max` bytes with their length, copied out (the frame outlives the buffer it was read from). */
  bytes(min: number, max: number, field: string): Uint8Array;
  unusedSlot(width: number, field: string): void;
}

/** Writes the fields of `frame` (everything after its code) in order. */
export function writeFields(frame: Frame, fields: FieldWriter): void {
  switch (frame.type) {
    case "reg":
    case "log":
      fields.text(frame.username, USERNAME_WIDTH, "username");
      fields.text(frame.password, PASSWORD_WIDTH, "password");
      return;
    case "acf":
      fields.text(frame.pattern, WILDCARD_WIDTH, "wildcard");
      return;
    case "msg":
      fields.text(frame.to, USERNAME_WIDTH, "to");
      fields.text(frame.content, CONTENT_WIDTH, "content");
      return;
    case "nms":
      fields.text(frame.from, USERNAME_WIDTH, "from");
      fields.text(frame.content, CONTENT_WIDTH, "content");
      return;
    case "err":
    case "suc":
      fields.text(frame.text, TEXT_WIDTH, "text");
      return;
    case "hel":
    case "hey":
      fields.u16(frame.version, "version");
      fields.u32(frame.features, "features");
      return;
    case "lsq":
      fields.u8(listRequestFlags(frame), "flags");
      fields.u32(frame.pageSize ?? 0, "pageSize");
      fields.text(frame.pattern, WILDCARD_WIDTH, "pattern");
      fields.text(frame.cursor ?? "", CURSOR_WIDTH, "cursor");
      return;
    case "lsn":
      writeNames(frame.names, fields);
      return;
    case "lse":
      fields.text(pageEndCursor(frame.cursor), CURSOR_WIDTH, "cursor");
      return;
    case "dlv":
      fields.u64(frame.seq, "seq");
      fields.u64(frame.sentAt, "sentAt");
      fields.text(frame.from, USERNAME_WIDTH, "from");
      fields.text(frame.content, CONTENT_WIDTH, "content");
      return;
    case "ack":
      fields.u64(frame.upToSeq, "upToSeq");
      return;
    case "png":
    case "pog":
      fields.u32(frame.nonce, "nonce");
      return;
    case "erx":
    case "bye":
      fields.u8(frame.status, "status");
      fields.text(frame.text, TEXT_WIDTH, "text");
      return;
    case "lin":
      fields.text(frame.username, USERNAME_WIDTH, "username");
      return;
    case "snt":
      fields.u64(frame.seq, "seq");
      fields.u64(frame.sentAt, "sentAt");
      fields.u8(deliveryByte(frame.delivery), "delivery");
      return;
    case "mid":
      fields.text(frame.to, USERNAME_WIDTH, "to");
      fields.bytes(checkClientMessageId(frame.clientMessageId), CLIENT_MESSAGE_ID_WIDTH);
      fields.text(frame.content, CONTENT_WIDTH, "content");
      return;
    case "del":
    case "acd":
    case "out":
    case "ok":
      return;
  }
}

/** Reads the fields of a frame of `type`, whose code is `code`, in order. */
export function readFields(type: FrameType, code: number, fields: FieldReader): Frame {
  switch (type) {
    case "reg":
    case "log":
      return {
        type,
        username: fields.text(USERNAME_WIDTH, "username"),
        password: fields.text(PASSWORD_WIDTH, "password"),
      };
    case "del":
    case "acd":
    case "out":
    case "ok":
      return { type };
    case "acf":
      return { type, pattern: fields.text(WILDCARD_WIDTH, "wildcard") };
    case "msg":
      return { type, to: fields.text(USERNAME_WIDTH, "to"), content: fields.text(CONTENT_WIDTH, "content") };
    case "nms":
      return {
        type,
        from: fields.text(USERNAME_WIDTH, "from"),
        content: fields.text(CONTENT_WIDTH, "content"),
      };
    case "err":
    case "suc":
      return { type, text: fields.text(TEXT_WIDTH, "text") };
    case "hel":
    case "hey":
      return { type, version: fields.u16("version"), features: fields.u32("features") };
    case "lsq":
      return readListRequest(code, fields);
    case "lsn":
      return { type, names: readNames(code, fields) };
    case "lse": {
      const cursor = fields.text(CURSOR_WIDTH, "cursor");
      return cursor === "" ? { type } : { type, cursor };
    }
    case "dlv":
      return {
        type,
        seq: fields.u64("seq"),
        sentAt: fields.u64("sentAt"),
        from: fields.text(USERNAME_WIDTH, "from"),
        content: fields.text(CONTENT_WIDTH, "content"),
      };
    case "ack":
      return { type, upToSeq: fields.u64("upToSeq") };
    case "png":
    case "pog":
      return { type, nonce: fields.u32("nonce") };
    case "erx":
    case "bye":
      return { type, status: fields.u8("status"), text: fields.text(TEXT_WIDTH, "text") };
    case "lin":
      return { type, username: fields.text(USERNAME_WIDTH, "username") };
    case "snt":
      return {
        type,
        seq: fields.u64("seq"),
        sentAt: fields.u64("sentAt"),
        delivery: deliveryOf(fields.u8("delivery"), code),
      };
    case "mid":
      return {
        type,
        to: fields.text(USERNAME_WIDTH, "to"),
        clientMessageId: fields.bytes(
          CLIENT_MESSAGE_ID_MIN_LENGTH,
          CLIENT_MESSAGE_ID_WIDTH,
          "clientMessageId",
        ),
        content: fields.text(CONTENT_WIDTH, "content"),
      };
  }
}

/** A non-fatal {@link DecodeError}: field `field` of a frame with code `code` is `why`. */
export function badField(code: number, field: string, why: string): DecodeError {
  return new DecodeError(`frame code ${code}: field ${field} ${why}`, false, code, field);
}

/** The `lse` cursor field's value: empty for "no more pages", so an empty cursor itself is refused. */
function pageEndCursor(cursor: string | undefined): string {
  if (cursor === "") throw new EncodeError("cursor must not be empty (leave it out instead)", "cursor");
  return cursor ?? "";
}

/** The `snt` delivery byte. */
function deliveryByte(delivery: unknown): number {
  if (delivery === "live") return SNT_DELIVERY_LIVE;
  if (delivery === "stored") return SNT_DELIVERY_STORED;
  throw new EncodeError("delivery must be 'live' or 'stored'", "delivery");
}

/** The `snt` delivery of its byte. */
function deliveryOf(byte: number, code: number): "live" | "stored" {
  if (byte === SNT_DELIVERY_LIVE) return "live";
  if (byte === SNT_DELIVERY_STORED) return "stored";
  throw badField(code, "delivery", `must be ${SNT_DELIVERY_LIVE} or ${SNT_DELIVERY_STORED}`);
}

/** The `lsq` flags byte: which optional fields are set. */
function listRequestFlags(frame: LsqFrame): number {
  let flags = 0;
  if (frame.pageSize !== undefined) flags |= LSQ_FLAG_PAGE_SIZE;
  if (frame.cursor !== undefined) flags |= LSQ_FLAG_CURSOR;
  return flags;
}

/** The `lsq` frame of its four fields, checking that the flags and the optional fields agree. */
function readListRequest(code: number, fields: FieldReader): LsqFrame {
  const flags = fields.u8("flags");
  const pageSize = fields.u32("pageSize");
  const pattern = fields.text(WILDCARD_WIDTH, "pattern");
  const cursor = fields.text(CURSOR_WIDTH, "cursor");
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

/** A `mid`'s client message id, once it is known to be bytes of an allowed length. */
function checkClientMessageId(id: unknown): Uint8Array {
  if (!(id instanceof Uint8Array)) throw new EncodeError("clientMessageId must be bytes", "clientMessageId");
  if (id.length < CLIENT_MESSAGE_ID_MIN_LENGTH || id.length > CLIENT_MESSAGE_ID_WIDTH) {
    throw new EncodeError(
      `clientMessageId must be ${CLIENT_MESSAGE_ID_MIN_LENGTH}-${CLIENT_MESSAGE_ID_WIDTH} bytes (got ${id.length})`,
      "clientMessageId",
    );
  }
  return id;
}

/** An `lsn`'s count byte and names; a name may not be empty (an empty slot is the end of the list). */
function writeNames(names: readonly string[], fields: FieldWriter): void {
  if (!Array.isArray(names) || names.length > NAMES_PER_FRAME) {
    throw new EncodeError(`names must be a list of at most ${NAMES_PER_FRAME}`, "names");
  }
  fields.u8(names.length, "count");
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string;
    if (name === "") throw new EncodeError(`names[${index}] must not be empty`, `names[${index}]`);
    fields.text(name, USERNAME_WIDTH, `names[${index}]`);
  }
  for (let index = names.length; index < NAMES_PER_FRAME; index++) fields.unusedSlot(USERNAME_WIDTH);
}

/** An `lsn`'s names, at most one frame's worth, none of them empty. */
function readNames(code: number, fields: FieldReader): string[] {
  const count = fields.u8("count");
  if (count > NAMES_PER_FRAME) throw badField(code, "count", `must be at most ${NAMES_PER_FRAME}`);
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    const name = fields.text(USERNAME_WIDTH, `names[${index}]`);
    if (name === "") throw badField(code, `names[${index}]`, "is empty");
    names.push(name);
  }
  for (let index = count; index < NAMES_PER_FRAME; index++) {
    fields.unusedSlot(USERNAME_WIDTH, `names[${index}]`);
  }
  return names;
}
