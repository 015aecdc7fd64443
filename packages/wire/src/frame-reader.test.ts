import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_COMPACT_FRAME_SIZE } from "./compact-layout.js";
import { DecodeError } from "./decode-error.js";
import type { Frame } from "./frame.js";
import { encodeFrame } from "./frame-encoder.js";
import { MAX_FRAME_SIZE } from "./frame-layout.js";
import { FrameReader } from "./frame-reader.js";
import { framesAndCuts } from "./testing/frame-arbitraries.js";
import { concat, readChunks, split } from "./testing/frame-streams.js";

describe("FrameReader", () => {
  it("gives the same frames however the stream is split", () => {
    fc.assert(
      fc.property(framesAndCuts, ([frames, cuts]) => {
        const stream = concat(frames.map((frame) => encodeFrame(frame)));
        const reader = new FrameReader();
        const got: Frame[] = [];
        for (const chunk of split(stream, cuts)) {
          got.push(...reader.readAll(chunk));
          expect(reader.bufferedBytes).toBeLessThanOrEqual(MAX_FRAME_SIZE);
        }
        expect(got).toEqual(frames);
        expect(reader.bufferedBytes).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it("reads a stream fed one byte at a time", () => {
    const frames: Frame[] = [
      { type: "reg", username: "alice", password: "password1" },
      { type: "dlv", seq: 3, sentAt: 5, from: "bob", content: "héllo" },
      { type: "acd" },
    ];
    const stream = concat(frames.map((frame) => encodeFrame(frame)));
    const reader = new FrameReader();
    const got: Frame[] = [];
    for (const byte of stream) got.push(...reader.readAll(Uint8Array.of(byte)));
    expect(got).toEqual(frames);
  });

  it("skips a frame with a bad field and stays in sync", () => {
    const bad = encodeFrame({ type: "acf", pattern: "ab" });
    bad[1] = 0xc3; // a lead byte without its continuation
    bad[2] = 0x28;
    const stream = concat([encodeFrame({ type: "del" }), bad, encodeFrame({ type: "acd" })]);
    for (const chunks of [[stream], split(stream, [1, 5, 10])]) {
      expect(readChunks(new FrameReader(), chunks)).toEqual([
        { type: "del" },
        "bad wildcard",
        { type: "acd" },
      ]);
    }
  });

  it("fails for good at an unknown code", () => {
    const reader = new FrameReader();
    reader.feed(concat([encodeFrame({ type: "del" }), Uint8Array.of(200, 1, 2)]));
    expect(reader.next()).toEqual({ type: "del" });
    expect(() => reader.next()).toThrow(expect.objectContaining({ fatal: true, code: 200 }));
    expect(() => reader.next()).toThrow(DecodeError);
    expect(reader.failed).toBe(true);
  });

  it.each([
    ["fixed", MAX_FRAME_SIZE],
    ["compact", MAX_COMPACT_FRAME_SIZE],
  ] as const)(
    "throws nothing but DecodeError on random garbage in %s framing, in random pieces",
    (framing, maxBuffered) => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 3000 }),
          fc.array(fc.nat(), { maxLength: 20 }),
          (bytes, cuts) => {
            const reader = new FrameReader();
            if (framing === "compact") reader.useCompactFraming();
            for (const chunk of split(bytes, cuts)) {
              reader.feed(chunk);
              for (;;) {
                try {
                  if (reader.next() === undefined) break;
                } catch (error) {
                  expect(error).toBeInstanceOf(DecodeError);
                  if ((error as DecodeError).fatal) return;
                }
              }
              expect(reader.bufferedBytes).toBeLessThanOrEqual(maxBuffered);
            }
          },
        ),
        { numRuns: 1000 },
      );
    },
  );
});
