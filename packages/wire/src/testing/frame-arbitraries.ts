import { utf8ByteLength } from "@chat/core";
import fc from "fast-check";
import type { Frame } from "../frame.js";
import {
  CLIENT_MESSAGE_ID_MIN_LENGTH,
  CLIENT_MESSAGE_ID_WIDTH,
  CONTENT_WIDTH,
  CURSOR_WIDTH,
  NAMES_PER_FRAME,
  PASSWORD_WIDTH,
  TEXT_WIDTH,
  USERNAME_WIDTH,
  WILDCARD_WIDTH,
} from "../frame-layout.js";

/** A code point that is not NUL and not a surrogate, biased towards ASCII. */
const codePoint = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 0x7f }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xd7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0x10ffff }) },
);

/** Any string whose UTF-8 fits `width` bytes, without NUL: what a fixed-width field can carry. */
export function fittingText(width: number, minLength = 0): fc.Arbitrary<string> {
  return fc
    .array(codePoint, { minLength, maxLength: width })
    .map((points) => {
      let text = "";
      for (const point of points) {
        const next = text + String.fromCodePoint(point);
        if (utf8ByteLength(next) > width) break;
        text = next;
      }
      return text;
    })
    .filter((text) => text.length >= minLength);
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeNat());

/** Every frame the encoder accepts. */
export const anyFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    type: fc.constantFrom("reg", "log"),
    username: fittingText(USERNAME_WIDTH),
    password: fittingText(PASSWORD_WIDTH),
  }),
  fc.record({ type: fc.constantFrom("del", "acd", "out", "ok") }),
  fc.record({ type: fc.constant("acf"), pattern: fittingText(WILDCARD_WIDTH) }),
  fc.record({
    type: fc.constant("msg"),
    to: fittingText(USERNAME_WIDTH),
    content: fittingText(CONTENT_WIDTH),
  }),
  fc.record({
    type: fc.constant("nms"),
    from: fittingText(USERNAME_WIDTH),
    content: fittingText(CONTENT_WIDTH),
  }),
  fc.record({ type: fc.constantFrom("err", "suc"), text: fittingText(TEXT_WIDTH) }),
  fc.record({ type: fc.constantFrom("hel", "hey"), version: u16, features: u32 }),
  fc.record(
    {
      type: fc.constant("lsq"),
      pattern: fittingText(WILDCARD_WIDTH),
      pageSize: u32,
      cursor: fittingText(CURSOR_WIDTH),
    },
    { requiredKeys: ["type", "pattern"] },
  ),
  fc.record({
    type: fc.constant("lsn"),
    names: fc.array(fittingText(USERNAME_WIDTH, 1), { maxLength: NAMES_PER_FRAME }),
  }),
  fc.record({ type: fc.constant("lse"), cursor: fittingText(CURSOR_WIDTH, 1) }, { requiredKeys: ["type"] }),
  fc.record({
    type: fc.constant("dlv"),
    seq: u64,
    sentAt: u64,
    from: fittingText(USERNAME_WIDTH),
    content: fittingText(CONTENT_WIDTH),
  }),
  fc.record({ type: fc.constant("ack"), upToSeq: u64 }),
  fc.record({ type: fc.constantFrom("png", "pog"), nonce: u32 }),
  fc.record({ type: fc.constantFrom("erx", "bye"), status: u8, text: fittingText(TEXT_WIDTH) }),
  fc.record({ type: fc.constant("lin"), username: fittingText(USERNAME_WIDTH) }),
  fc.record({ type: fc.constant("snt"), seq: u64, sentAt: u64, delivery: fc.constantFrom("live", "stored") }),
  fc.record({
    type: fc.constant("mid"),
    to: fittingText(USERNAME_WIDTH),
    clientMessageId: fc.uint8Array({
      minLength: CLIENT_MESSAGE_ID_MIN_LENGTH,
      maxLength: CLIENT_MESSAGE_ID_WIDTH,
    }),
    content: fittingText(CONTENT_WIDTH),
  }),
) as fc.Arbitrary<Frame>;

/** Frames in one stream, and cut points to split that stream into chunks at (see `split`). */
export const framesAndCuts = fc.tuple(
  fc.array(anyFrame, { maxLength: 20 }),
  fc.array(fc.nat(), { maxLength: 40 }),
);
