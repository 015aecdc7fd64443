import { DecodeError } from "./decode-error.js";
import type { Frame } from "./frame.js";
import { decodeFrame } from "./frame-decoder.js";
import { frameSizeOf, MAX_FRAME_SIZE } from "./frame-layout.js";

/**
 * Turns a byte stream split at arbitrary points into frames, push-style: `feed` a chunk, then call `next`
 * until it returns `undefined` (more bytes needed). Frames lying whole inside a chunk are decoded in place;
 * only a frame cut by a chunk boundary is copied, into one buffer of {@link MAX_FRAME_SIZE} bytes, so the
 * reader never holds more than one partial frame.
 *
 * `next` throws a {@link DecodeError}: when `fatal` (unknown code) the reader is finished and every later
 * call throws again; otherwise the bad frame was consumed and the next call continues with the next frame.
 */
export class FrameReader {
  private readonly partial = new Uint8Array(MAX_FRAME_SIZE);
  private partialLength = 0;
  /** Size of the frame being assembled in `partial` (known once its code byte is in). */
  private partialSize = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkOffset = 0;
  private failure: DecodeError | undefined;
  private completed = 0;

  /** Adds bytes. The previous chunk must have been read to the end (`next` returned `undefined`). */
  feed(chunk: Uint8Array): void {
    if (this.chunkOffset < this.chunk.length) {
      throw new Error("FrameReader.feed called before the previous chunk was read to the end");
    }
    this.chunk = chunk;
    this.chunkOffset = 0;
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
    const size = this.sizeOf(this.chunk[this.chunkOffset] as number);
    if (available < size) {
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
    return decodeFrame(this.chunk, start);
  }

  private continuePartial(): Frame | undefined {
    const wanted = this.partialSize - this.partialLength;
    const available = this.chunk.length - this.chunkOffset;
    const take = Math.min(wanted, available);
    this.partial.set(this.chunk.subarray(this.chunkOffset, this.chunkOffset + take), this.partialLength);
    this.partialLength += take;
    this.chunkOffset += take;
    if (this.partialLength < this.partialSize) return undefined;
    this.partialLength = 0;
    this.completed++;
    return decodeFrame(this.partial.subarray(0, this.partialSize), 0);
  }

  private sizeOf(code: number): number {
    const size = frameSizeOf(code);
    if (size === undefined) {
      this.failure = new DecodeError(`unknown message code ${code}`, true, code);
      // Drop what is buffered: the frame boundary is lost, nothing after it can be read.
      this.chunk = new Uint8Array(0);
      this.chunkOffset = 0;
      this.partialLength = 0;
      throw this.failure;
    }
    return size;
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
