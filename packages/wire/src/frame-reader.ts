import { compactFrameSizeAt, decodeCompactFrame } from "./compact-decoder.js";
import { type Framing, MAX_COMPACT_FRAME_SIZE } from "./compact-layout.js";
import { DecodeError } from "./decode-error.js";
import type { Frame } from "./frame.js";
import { decodeFrame } from "./frame-decoder.js";
import { frameSizeOf, MAX_FRAME_SIZE } from "./frame-layout.js";

/**
 * Turns a byte stream split at arbitrary points into frames, push-style: `feed` a chunk, then call `next`
 * until it returns `undefined` (more bytes needed). Frames lying whole inside a chunk are decoded in place;
 * only a frame cut by a chunk boundary is copied, into one buffer the size of the largest frame, so the
 * reader never holds more than one partial frame.
 *
 * It starts in fixed framing (a frame's size follows from its code) and switches to compact framing (a
 * length prefix per frame) when told, between two frames.
 *
 * `next` throws a {@link DecodeError}: when `fatal` (unknown code, bad length) the reader is finished and
 * every later call throws again; otherwise the bad frame was consumed and the next call continues with the
 * next frame.
 */
export class FrameReader {
  private readonly partial = new Uint8Array(Math.max(MAX_FRAME_SIZE, MAX_COMPACT_FRAME_SIZE));
  private partialLength = 0;
  /** Size of the frame being assembled in `partial`, or `undefined` until its first bytes tell it. */
  private partialSize: number | undefined;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkOffset = 0;
  private failure: DecodeError | undefined;
  private completed = 0;
  private compact = false;

  /** Adds bytes. The previous chunk must have been read to the end (`next` returned `undefined`). */
  feed(chunk: Uint8Array): void {
    if (this.chunkOffset < this.chunk.length) {
      throw new Error("FrameReader.feed called before the previous chunk was read to the end");
    }
    this.chunk = chunk;
    this.chunkOffset = 0;
  }

  /** The framing of the frames read from now on. */
  get framing(): Framing {
    return this.compact ? "compact" : "fixed";
  }

  /**
   * Reads every frame after the ones already returned in compact framing. Called between two frames (right
   * after the `hel` or `hey` that enabled it); a partial frame would be cut in the middle.
   */
  useCompactFraming(): void {
    if (this.partialLength > 0) throw new Error("FrameReader: framing switched inside a frame");
    this.compact = true;
  }

  /** Bytes received but not yet returned as frames (a partial frame, or unread bytes of the chunk). */
  get bufferedBytes(): number {
    return this.partialLength + (this.chunk.length - this.chunkOffset);
  }

  /** Whether part of a frame is buffered, waiting for the rest of its bytes. */
  get hasPartialFrame(): boolean {
    return this.partialLength > 0;
  }

  /** Whether bytes of the last chunk are still unread (the caller stopped calling `next`). */
  get hasUnreadInput(): boolean {
    return this.chunkOffset < this.chunk.length;
  }

  /** How many frames (good or bad) have been consumed so far. */
  get framesRead(): number {
    return this.completed;
  }

  /** Whether the reader hit a fatal error and is finished. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The next complete frame, or `undefined` when more bytes are needed. */
  next(): Frame | undefined {
    if (this.failure) throw this.failure;
    if (this.partialLength > 0) return this.continuePartial();
    const available = this.chunk.length - this.chunkOffset;
    if (available === 0) return undefined;
    const size = this.sizeAt(this.chunk, this.chunkOffset, this.chunk.length);
    if (size === undefined || available < size) {
      this.partial.set(this.chunk.subarray(this.chunkOffset), 0);
      this.partialLength = available;
      this.partialSize = size;
      this.chunkOffset = this.chunk.length;
      return undefined;
    }
    const start = this.chunkOffset;
    // Consume the frame before decoding it, so a bad field leaves the stream in sync.
    this.chunkOffset += size;
    this.completed++;
    return this.compact ? decodeCompactFrame(this.chunk, start) : decodeFrame(this.chunk, start);
  }

  private continuePartial(): Frame | undefined {
    // A compact frame's size is known once its prefix and code are in: take those a byte at a time, so
    // that no byte of the next frame is taken along.
    while (this.partialSize === undefined) {
      if (this.chunkOffset >= this.chunk.length) return undefined;
      this.partial[this.partialLength++] = this.chunk[this.chunkOffset++] as number;
      this.partialSize = this.sizeAt(this.partial, 0, this.partialLength);
    }
    const wanted = this.partialSize - this.partialLength;
    const available = this.chunk.length - this.chunkOffset;
    const take = Math.min(wanted, available);
    this.partial.set(this.chunk.subarray(this.chunkOffset, this.chunkOffset + take), this.partialLength);
    this.partialLength += take;
    this.chunkOffset += take;
    if (this.partialLength < this.partialSize) return undefined;
    const frame = this.partial.subarray(0, this.partialSize);
    this.partialLength = 0;
    this.partialSize = undefined;
    this.completed++;
    return this.compact ? decodeCompactFrame(frame, 0) : decodeFrame(frame, 0);
  }

  /** The size of the frame at `offset` (bytes up to `end` known), `undefined` when it cannot tell yet. */
  private sizeAt(bytes: Uint8Array, offset: number, end: number): number | undefined {
    try {
      if (this.compact) return compactFrameSizeAt(bytes, offset, end);
      const code = bytes[offset] as number;
      const size = frameSizeOf(code);
      if (size === undefined) throw new DecodeError(`unknown message code ${code}`, true, code);
      return size;
    } catch (error) {
      this.failure = error as DecodeError;
      // Drop what is buffered: the frame boundary is lost, nothing after it can be read.
      this.chunk = new Uint8Array(0);
      this.chunkOffset = 0;
      this.partialLength = 0;
      throw this.failure;
    }
  }

  /**
   * Feeds `chunk` and returns every complete frame in it. Convenient where a bad frame should stop
   * everything (tests, simple clients): the first {@link DecodeError} is thrown.
   */
  readAll(chunk: Uint8Array): Frame[] {
    this.feed(chunk);
    const frames: Frame[] = [];
    for (let frame = this.next(); frame !== undefined; frame = this.next()) frames.push(frame);
    return frames;
  }
}
