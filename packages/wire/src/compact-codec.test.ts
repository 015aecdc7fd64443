import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCompactFrame } from "./compact-decoder.js";
import { encodeCompactFrame } from "./compact-encoder.js";
import { COMPACT_MAX_FRAME_LENGTH, MAX_COMPACT_FRAME_SIZE } from "./compact-layout.js";
import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";
import type { Frame } from "./frame.js";
import { encodeFrame } from "./frame-encoder.js";
import { FrameReader } from "./frame-reader.js";
import { anyFrame, framesAndCuts } from "./testing/frame-arbitraries.js";
import { concat, readChunks, split } from "./testing/frame-streams.js";
import { readVarint, type VarintRead, varintSize, writeVarint } from "./varint.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("varints", () => {
  it("round-trip every safe whole number in the fewest bytes", () => {
    const into: VarintRead = { value: 0, next: 0 };
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat()), (value) => {
        const bytes = new Uint8Array(8);
        const end = writeVarint(bytes, 0, value, Number.MAX_SAFE_INTEGER, "n");
        expect(end).toBe(varintSize(value));
        expect(readVarint(bytes, 0, end, Number.MAX_SAFE_INTEGER, 1, "n", into)).toBe(true);
        expect(into).toEqual({ value, next: end });
        // Cut one byte short, the varint is incomplete rather than wrong.
        expect(readVarint(bytes, 0, end - 1, Number.MAX_SAFE_INTEGER, 1, "n", into)).toBe(false);
      }),
      { numRuns: 2000 },
    );
    expect(varintSize(127)).toBe(1);
    expect(varintSize(128)).toBe(2);
    expect(varintSize(Number.MAX_SAFE_INTEGER)).toBe(8);
  });

  it("writes the known bytes on both sides of 32 bits, where the writer turns from division to shifts", () => {
    // Expected bytes written out by hand (LEB128: low 7-bit group first, high bit on all but the last).
    const cases: [number, number[]][] = [
      [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
      [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x08]],
      [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
      [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
      [1_764_627_000_123, [0xbb, 0xd6, 0xdc, 0xdf, 0xad, 0x33]], // a time in milliseconds: 41 bits
      [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, expected] of cases) {
      const bytes = new Uint8Array(8);
      const end = writeVarint(bytes, 0, value, Number.MAX_SAFE_INTEGER, "n");
      expect([...bytes.subarray(0, end)]).toEqual(expected);
    }
  });

  it("refuses a longer form than needed, a value above the field's range and an unending varint", () => {
    const into: VarintRead = { value: 0, next: 0 };
    const read = (bytes: number[], max = 0xffff) =>
      readVarint(Uint8Array.from(bytes), 0, bytes.length, max, 7, "f", into);
    expect(() => read([0x80, 0x00])).toThrow(expect.objectContaining({ field: "f", fatal: false }));
    expect(() => read([0xff, 0xff, 0x04])).toThrow(/above 65535/);
    expect(() =>
      read([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], Number.MAX_SAFE_INTEGER),
    ).toThrow(/longer than 8 bytes/);
    expect(() => writeVarint(new Uint8Array(8), 0, 2 ** 53, Number.MAX_SAFE_INTEGER, "seq")).toThrow(
      EncodeError,
    );
  });
});

describe("compact frames", () => {
  it("round-trip every frame type, within the size bound, with one encoding per frame", () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const bytes = encodeCompactFrame(frame);
        expect(bytes.length).toBeLessThanOrEqual(MAX_COMPACT_FRAME_SIZE);
        expect(decodeCompactFrame(bytes)).toEqual(frame);
        // Decoding is exact, so the bytes are the only encoding of this frame.
        expect(encodeCompactFrame(decodeCompactFrame(bytes))).toEqual(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("costs at most a few bytes more than the fixed layout, and far less for a short message", () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const compact = encodeCompactFrame(frame).length;
        const fixed = encodeFrame(frame).length;
        if (fixed === 1) expect(compact).toBe(2);
        else expect(compact).toBeLessThanOrEqual(fixed + 5);
      }),
      { numRuns: 1000 },
    );
    // The send, answer and delivery of a 1-byte message: 14 + 10 + 21 bytes, against 529 + 18 + 545 fixed.
    const sentAt = 1_700_000_000_000;
    expect(encodeCompactFrame({ type: "msg", to: "bench0001", content: "x" }).length).toBe(14);
    expect(encodeCompactFrame({ type: "snt", seq: 7, sentAt, delivery: "live" }).length).toBe(10);
    expect(encodeCompactFrame({ type: "dlv", seq: 7, sentAt, from: "bench0000", content: "x" }).length).toBe(
      21,
    );
  });

  it("refuses the same values the fixed encoder refuses, naming the field", () => {
    const cases: Array<[Frame, string]> = [
      [{ type: "reg", username: "a".repeat(17), password: "pw" }, "username"],
      [{ type: "msg", to: "bob", content: "é".repeat(257) }, "content"],
      [{ type: "msg", to: "bob", content: "a\0b" }, "content"],
      [{ type: "msg", to: "bob", content: "\ud800" }, "content"],
      [{ type: "ack", upToSeq: -1 }, "upToSeq"],
      [{ type: "ack", upToSeq: 2 ** 53 }, "upToSeq"],
      [{ type: "hel", version: 65536, features: 0 }, "version"],
      [{ type: "erx", status: 256, text: "" }, "status"],
      [{ type: "lsq", pattern: "", pageSize: 2 ** 32 }, "pageSize"],
      [{ type: "lsn", names: Array(17).fill("a") }, "names"],
      [{ type: "lsn", names: ["a", ""] }, "names[1]"],
      [{ type: "lse", cursor: "" }, "cursor"],
    ];
    for (const [frame, field] of cases) {
      expect(() => encodeFrame(frame)).toThrow(expect.objectContaining({ field }));
      expect(() => encodeCompactFrame(frame)).toThrow(expect.objectContaining({ field }));
    }
  });

  it("names a bad field without losing the frame boundary", () => {
    const check = (bytes: number[], field: string) =>
      expect(() => decodeCompactFrame(Uint8Array.from(bytes))).toThrow(
        expect.objectContaining({ field, fatal: false }),
      );
    check([0x04, 0x04, 0x02, 0xc3, 0x28], "wildcard"); // acf with bad UTF-8
    check([0x04, 0x04, 0x02, 0x61, 0x00], "wildcard"); // acf with a NUL inside
    check([0x03, 0x04, 0x05, 0x61], "wildcard"); // acf whose string runs past the frame
    check([0x04, 0x04, 0x01, 0x61, 0x62], "length"); // acf with a byte past its last field
    check([0x03, 0x10, 0x80, 0x00], "upToSeq"); // ack with a longer varint than needed
    check([0x03, 0x14, 0x00, 0x00], "length"); // ok with two bytes of nothing
    check([0x04, 0x16, 0x01, 0x01, 0x02], "delivery"); // snt with delivery 2
    check([0x02, 0x0c, 0x11], "count"); // lsn with 17 names
  });

  it("loses the boundary only at a bad length or an unknown code", () => {
    const fatal = (bytes: number[]) =>
      expect(() => decodeCompactFrame(Uint8Array.from(bytes))).toThrow(
        expect.objectContaining({ fatal: true }),
      );
    fatal([0x00, 0x14]); // length 0
    fatal([0x81, 0x08, 0x14]); // length 1025, above the bound
    fatal([0x80, 0x00, 0x14]); // a longer length prefix than needed
    fatal([0x01, 0xc8]); // code 200
    fatal([0x05, 0x10, 0x01]); // cut short of its length
    expect(COMPACT_MAX_FRAME_LENGTH).toBeGreaterThanOrEqual(
      encodeCompactFrame({
        type: "dlv",
        seq: 2 ** 53 - 1,
        sentAt: 2 ** 53 - 1,
        from: "é".repeat(8),
        content: "é".repeat(256),
      }).length - 2,
    );
  });

  // Random bytes: frame-codec.test.ts, for both framings.
  it("throws nothing but DecodeError for valid frames with one byte changed", () => {
    fc.assert(
      fc.property(anyFrame, fc.nat(), fc.integer({ min: 0, max: 255 }), (frame, at, byte) => {
        const bytes = encodeCompactFrame(frame);
        bytes[at % bytes.length] = byte;
        try {
          // Whatever still decodes is a frame whose only encoding is these bytes.
          expect(hex(encodeCompactFrame(decodeCompactFrame(bytes)))).toBe(hex(bytes));
        } catch (error) {
          if (!(error instanceof DecodeError)) expect(error).toBeInstanceOf(EncodeError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("FrameReader in compact framing", () => {
  it("gives the same frames however the stream is split, after a fixed hello", () => {
    fc.assert(
      fc.property(framesAndCuts, ([frames, cuts]) => {
        const hello = encodeFrame({ type: "hel", version: 1, features: 0x7f });
        const parts = [hello, ...frames.map((frame) => encodeCompactFrame(frame))];
        const reader = new FrameReader();
        const got: Frame[] = [];
        for (const chunk of split(concat(parts), cuts)) {
          reader.feed(chunk);
          for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
            got.push(frame);
            if (frame.type === "hel" && got.length === 1) reader.useCompactFraming();
          }
          expect(reader.bufferedBytes).toBeLessThanOrEqual(MAX_COMPACT_FRAME_SIZE);
        }
        expect(got).toEqual([{ type: "hel", version: 1, features: 0x7f }, ...frames]);
        expect(reader.framing).toBe("compact");
      }),
      { numRuns: 500 },
    );
  });

  it("skips a frame with a bad field, fed a byte at a time, and fails for good at a bad length", () => {
    const bad = Uint8Array.from([0x04, 0x04, 0x02, 0xc3, 0x28]);
    const stream = Buffer.concat([
      encodeCompactFrame({ type: "del" }),
      bad,
      encodeCompactFrame({ type: "acd" }),
    ]);
    const reader = new FrameReader();
    reader.useCompactFraming();
    const bytes = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(readChunks(reader, bytes)).toEqual([{ type: "del" }, "bad wildcard", { type: "acd" }]);
    reader.feed(Uint8Array.of(0xff, 0xff));
    expect(() => reader.next()).toThrow(expect.objectContaining({ fatal: true }));
    expect(reader.failed).toBe(true);
  });
});
