import {
  COMPACT_LENGTH_MAX_BYTES,
  COMPACT_MAX_FRAME_LENGTH,
  MAX_COMPACT_FRAME_SIZE,
  U16_MAX,
  U32_MAX,
} from "./compact-layout.js";
import { DecodeError } from "./decode-error.js";
import { readExactText } from "./field-codec.js";
import type { Frame } from "./frame.js";
import { badField, type FieldReader, readFields } from "./frame-fields.js";
import { frameTypeOf } from "./frame-layout.js";
import { readVarint, type VarintRead } from "./varint.js";

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
class FieldCursor implements FieldReader {
  constructor(
    private readonly source: Uint8Array,
    private at: number,
    private readonly end: number,
    private readonly code: number,
  ) {}

  private cut(field: string): DecodeError {
    return new DecodeError(`frame code ${this.code}: field ${field} is cut short`, false, this.code, field);
  }

  private number(max: number, field: string): number {
    if (!readVarint(this.source, this.at, this.end, max, this.code, field, varint)) throw this.cut(field);
    this.at = varint.next;
    return varint.value;
  }

  u8(field: string): number {
    if (this.at >= this.end) throw this.cut(field);
    return this.source[this.at++] as number;
  }

  u16(field: string): number {
    return this.number(U16_MAX, field);
  }

  u32(field: string): number {
    return this.number(U32_MAX, field);
  }

  u64(field: string): number {
    return this.number(Number.MAX_SAFE_INTEGER, field);
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
    if (length < min) throw badField(this.code, field, `length must be ${min}-${max}`);
    if (this.at + length > this.end) throw this.cut(field);
    // A plain copy, not a view (nor a Buffer, whose slice is a view): the frame outlives the socket's buffer.
    const value = new Uint8Array(this.source.subarray(this.at, this.at + length));
    this.at += length;
    return value;
  }

  /** Compact framing leaves unused slots out. */
  unusedSlot(): void {}

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
  return fields.finish(readFields(type, code, fields));
}
