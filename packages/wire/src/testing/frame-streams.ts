import { DecodeError } from "../decode-error.js";
import type { Frame } from "../frame.js";
import type { FrameReader } from "../frame-reader.js";

/*
 * Byte streams for the frame reader's tests: streams put together from encoded frames, cut into the pieces
 * a socket might deliver them in, and read back.
 */

/** The bytes of `parts`, one after another. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed, each taken modulo length + 1). */
export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let last = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(last, point));
    last = point;
  }
  return chunks;
}

/**
 * Feeds `chunks` to `reader` one at a time, taking every frame it has after each. A frame with a bad field
 * (a DecodeError that keeps the stream in sync) is recorded as `bad <field>`; any other error is thrown.
 */
export function readChunks(reader: FrameReader, chunks: Iterable<Uint8Array>): Array<Frame | string> {
  const got: Array<Frame | string> = [];
  for (const chunk of chunks) {
    reader.feed(chunk);
    for (;;) {
      try {
        const frame = reader.next();
        if (frame === undefined) break;
        got.push(frame);
      } catch (error) {
        if (!(error instanceof DecodeError) || error.fatal) throw error;
        got.push(`bad ${error.field}`);
      }
    }
  }
  return got;
}
