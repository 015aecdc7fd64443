import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCompactFrame } from "./compact-decoder.js";
import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";
import { readText, readU8, readU16, readU32, readU64 } from "./field-codec.js";
import type { Frame } from "./frame.js";
import { decodeFrame } from "./frame-decoder.js";
import { encodeFrame } from "./frame-encoder.js";
import * as layout from "./frame-layout.js";
import { anyFrame } from "./testing/frame-arbitraries.js";

describe("frame layout", () => {
  it("gives the seed's frame sizes for codes 0-8", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((code) => layout.frameSizeOf(code))).toEqual([
      81, 81, 1, 1, 17, 529, 257, 257, 529,
    ]);
  });

  it("has one code per type, and no size for unknown codes", () => {
    expect(new Set(Object.values(layout.FrameCode)).size).toBe(Object.keys(layout.FrameCode).length);
    expect(layout.frameSizeOf(200)).toBeUndefined();
    expect(layout.MAX_FRAME_SIZE).toBe(layout.FRAME_SIZES.mid);
  });
});

/** Reads one field of an encoded frame at a named offset. */
type FieldAt = readonly [
  offset: number,
  read: (bytes: Uint8Array, offset: number) => unknown,
  expected: unknown,
];

const textOf =
  (width: number) =>
  (bytes: Uint8Array, offset: number): string =>
    readText(bytes, offset, width, 0, "field");
const u64Of = (bytes: Uint8Array, offset: number): number => readU64(bytes, offset, 0, "field");

/** Every field of every frame that has fields, at the offset frame-layout.ts names for it. */
const FIELD_OFFSETS: ReadonlyArray<readonly [Frame, readonly FieldAt[]]> = [
  [
    { type: "reg", username: "alice", password: "pw" },
    [
      [layout.CREDENTIALS_USERNAME_OFFSET, textOf(layout.USERNAME_WIDTH), "alice"],
      [layout.CREDENTIALS_PASSWORD_OFFSET, textOf(layout.PASSWORD_WIDTH), "pw"],
    ],
  ],
  [{ type: "acf", pattern: "a*" }, [[layout.ACF_WILDCARD_OFFSET, textOf(layout.WILDCARD_WIDTH), "a*"]]],
  [
    { type: "nms", from: "bob", content: "hi" },
    [
      [layout.CHAT_USERNAME_OFFSET, textOf(layout.USERNAME_WIDTH), "bob"],
      [layout.CHAT_CONTENT_OFFSET, textOf(layout.CONTENT_WIDTH), "hi"],
    ],
  ],
  [{ type: "suc", text: "done" }, [[layout.REPLY_TEXT_OFFSET, textOf(layout.TEXT_WIDTH), "done"]]],
  [
    { type: "hey", version: 2, features: 0x41 },
    [
      [layout.HELLO_VERSION_OFFSET, readU16, 2],
      [layout.HELLO_FEATURES_OFFSET, readU32, 0x41],
    ],
  ],
  [
    { type: "lsq", pattern: "b", pageSize: 7, cursor: "c" },
    [
      [layout.LSQ_FLAGS_OFFSET, readU8, 3],
      [layout.LSQ_PAGE_SIZE_OFFSET, readU32, 7],
      [layout.LSQ_PATTERN_OFFSET, textOf(layout.WILDCARD_WIDTH), "b"],
      [layout.LSQ_CURSOR_OFFSET, textOf(layout.CURSOR_WIDTH), "c"],
    ],
  ],
  [
    { type: "lsn", names: ["a", "b"] },
    [
      [layout.LSN_COUNT_OFFSET, readU8, 2],
      [layout.LSN_NAMES_OFFSET, textOf(layout.USERNAME_WIDTH), "a"],
      [layout.LSN_NAMES_OFFSET + layout.USERNAME_WIDTH, textOf(layout.USERNAME_WIDTH), "b"],
    ],
  ],
  [{ type: "lse", cursor: "n" }, [[layout.LSE_CURSOR_OFFSET, textOf(layout.CURSOR_WIDTH), "n"]]],
  [
    { type: "dlv", seq: 5, sentAt: 6, from: "eve", content: "yo" },
    [
      [layout.DLV_SEQ_OFFSET, u64Of, 5],
      [layout.DLV_SENT_AT_OFFSET, u64Of, 6],
      [layout.DLV_FROM_OFFSET, textOf(layout.USERNAME_WIDTH), "eve"],
      [layout.DLV_CONTENT_OFFSET, textOf(layout.CONTENT_WIDTH), "yo"],
    ],
  ],
  [{ type: "ack", upToSeq: 9 }, [[layout.ACK_SEQ_OFFSET, u64Of, 9]]],
  [{ type: "pog", nonce: 77 }, [[layout.HEARTBEAT_NONCE_OFFSET, readU32, 77]]],
  [
    { type: "bye", status: 14, text: "bye" },
    [
      [layout.STATUS_OFFSET, readU8, 14],
      [layout.STATUS_TEXT_OFFSET, textOf(layout.TEXT_WIDTH), "bye"],
    ],
  ],
  [{ type: "lin", username: "Al" }, [[layout.LIN_USERNAME_OFFSET, textOf(layout.USERNAME_WIDTH), "Al"]]],
  [
    { type: "snt", seq: 3, sentAt: 4, delivery: "stored" },
    [
      [layout.SNT_SEQ_OFFSET, u64Of, 3],
      [layout.SNT_SENT_AT_OFFSET, u64Of, 4],
      [layout.SNT_DELIVERY_OFFSET, readU8, layout.SNT_DELIVERY_STORED],
    ],
  ],
  [
    { type: "mid", to: "bob", clientMessageId: Uint8Array.of(9, 8), content: "m" },
    [
      [layout.MID_TO_OFFSET, textOf(layout.USERNAME_WIDTH), "bob"],
      [layout.MID_ID_LENGTH_OFFSET, readU8, 2],
      [layout.MID_ID_OFFSET, readU8, 9],
      [layout.MID_ID_OFFSET + 1, readU8, 8],
      [layout.MID_CONTENT_OFFSET, textOf(layout.CONTENT_WIDTH), "m"],
    ],
  ],
];

describe("encode and decode", () => {
  it.each(FIELD_OFFSETS)("puts every field of %o at its offset in frame-layout.ts", (frame, fields) => {
    const bytes = encodeFrame(frame);
    expect(fields.map(([offset, read]) => read(bytes, offset))).toEqual(fields.map(([, , value]) => value));
  });

  it("encodes the seed's example byte for byte", () => {
    const bytes = encodeFrame({ type: "reg", username: "alice", password: "pw" });
    const expected = new Uint8Array(81);
    expected.set(new TextEncoder().encode("alice"), 1);
    expected.set(new TextEncoder().encode("pw"), 17);
    expect(bytes).toEqual(expected);
  });

  it("round-trips every frame type", () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const bytes = encodeFrame(frame);
        expect(bytes.length).toBe(layout.FRAME_SIZES[frame.type]);
        expect(decodeFrame(bytes)).toEqual(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses values that do not fit, naming the field", () => {
    const cases: Array<[() => Uint8Array, string]> = [
      [() => encodeFrame({ type: "reg", username: "a".repeat(17), password: "pw" }), "username"],
      [() => encodeFrame({ type: "msg", to: "bob", content: "é".repeat(257) }), "content"],
      [() => encodeFrame({ type: "msg", to: "bob", content: "a\0b" }), "content"],
      [() => encodeFrame({ type: "msg", to: "bob", content: "\ud800" }), "content"],
      [() => encodeFrame({ type: "ack", upToSeq: -1 }), "upToSeq"],
      [() => encodeFrame({ type: "ack", upToSeq: 1.5 }), "upToSeq"],
      [() => encodeFrame({ type: "ack", upToSeq: 2 ** 53 }), "upToSeq"],
      [() => encodeFrame({ type: "hel", version: 65536, features: 0 }), "version"],
      [() => encodeFrame({ type: "erx", status: 256, text: "" }), "status"],
      [() => encodeFrame({ type: "lsq", pattern: "", pageSize: 2 ** 32 }), "pageSize"],
      [() => encodeFrame({ type: "lsn", names: Array(17).fill("a") }), "names"],
      [() => encodeFrame({ type: "lsn", names: ["a", ""] }), "names[1]"],
      [() => encodeFrame({ type: "lse", cursor: "" }), "cursor"],
    ];
    for (const [encode, field] of cases) {
      expect(encode).toThrow(EncodeError);
      try {
        encode();
      } catch (error) {
        expect((error as EncodeError).field).toBe(field);
      }
    }
  });

  it("names the field that is bad and says the stream is still in sync", () => {
    const bytes = encodeFrame({ type: "msg", to: "bob", content: "hello" });
    bytes[20] = 0xff; // inside the content: invalid UTF-8
    expect(() => decodeFrame(bytes)).toThrow(expect.objectContaining({ field: "content", fatal: false }));
    const inner = encodeFrame({ type: "reg", username: "ab", password: "secret-pw" });
    inner[2] = 0; // NUL before 'b': a NUL inside the value
    inner[3] = 0x62;
    expect(() => decodeFrame(inner)).toThrow(expect.objectContaining({ field: "username", fatal: false }));
  });

  it("carries text at the edges of UTF-8 exactly: a leading BOM, a full field, a character that would cross it", () => {
    const cases = ["\uFEFFhello", "é".repeat(256), `a${"😀".repeat(127)}abc`, "\uFEFF"];
    for (const content of cases) {
      expect(decodeFrame(encodeFrame({ type: "msg", to: "\uFEFFbob", content }))).toEqual({
        type: "msg",
        to: "\uFEFFbob",
        content,
      });
    }
    // 1 + 4 × 128 = 513 bytes: the last emoji would cross the field's end, so nothing is cut, it is refused.
    expect(() => encodeFrame({ type: "msg", to: "bob", content: `a${"😀".repeat(128)}` })).toThrow(
      expect.objectContaining({ field: "content" }),
    );
    expect(() => encodeFrame({ type: "reg", username: `abcdefghijklmno${"é"}`, password: "pw" })).toThrow(
      expect.objectContaining({ field: "username" }),
    );
  });

  it("refuses bad UTF-8 in short and in full fields", () => {
    const short = encodeFrame({ type: "reg", username: "éa", password: "secret-pw" });
    short[2] = 0x41; // the second byte of é replaced: a lead byte without its continuation
    expect(() => decodeFrame(short)).toThrow(expect.objectContaining({ field: "username", fatal: false }));
    const full = encodeFrame({ type: "msg", to: "bob", content: "é".repeat(256) });
    full[full.length - 1] = 0xc3; // the last continuation byte replaced by a lead byte: cut at the end
    expect(() => decodeFrame(full)).toThrow(expect.objectContaining({ field: "content", fatal: false }));
  });

  it("reports an unknown code as fatal", () => {
    expect(() => decodeFrame(new Uint8Array([99]))).toThrow(
      expect.objectContaining({ fatal: true, code: 99 }),
    );
  });

  it.each([
    ["fixed", decodeFrame],
    ["compact", decodeCompactFrame],
  ])("throws nothing but DecodeError for random bytes in %s framing", (_framing, decode) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (bytes) => {
        try {
          decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
