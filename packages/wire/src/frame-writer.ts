import { encodeCompactFrameInto } from "./compact-encoder.js";
import { type Framing, MAX_COMPACT_FRAME_SIZE } from "./compact-layout.js";
import type { Frame } from "./frame.js";
import { encodeFrameInto } from "./frame-encoder.js";
import { MAX_FRAME_SIZE } from "./frame-layout.js";

/** The part of a socket a {@link FrameWriter} writes to. */
export interface FrameSink {
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
  readonly writableLength: number;
  readonly writable: boolean;
}

/** A batch's mark: the highest sequence number written in it and the session it belongs to. */
export interface BatchMark {
  readonly seq: number;
  readonly epoch: number;
}

/** Hears every chunk the operating system accepted: its size, and the mark of its batch, if it had one. */
export type WrittenListener = (bytes: number, mark: BatchMark | undefined) => void;

/** Bytes staged before a write is forced. */
const STAGING_BYTES = 64 * 1024;
/** Room one frame may need while it is encoded, in either framing. */
const FRAME_ROOM = Math.max(MAX_FRAME_SIZE, MAX_COMPACT_FRAME_SIZE);
/** The size of a staging buffer. */
const STAGING_SIZE = Math.max(STAGING_BYTES, FRAME_ROOM);

/**
 * Batches outgoing frames: each frame is encoded straight into one reused staging buffer, and everything
 * staged in one event-loop turn goes to the socket as a single write. This keeps the per-frame cost to the
 * encoding itself (no allocation, one syscall per turn instead of one per frame).
 *
 * A caller can mark a batch with a number (the seed mode's highest written sequence number); once a batch
 * has been handed to the operating system, `onWritten` hears its size and its mark, if it had one.
 *
 * Frames are written in fixed framing until {@link useCompactFraming}.
 *
 * A flush hands the socket a view of the staging buffer, not a copy, when nothing is queued in the socket:
 * a plain socket then gives the bytes to the operating system at once and holds nothing, so the buffer is
 * staged into again. Copying each flush out instead (`slice`) cost 0.9 µs for a 563-byte flush and 7 µs
 * for 18 KB (an allocation and its garbage), 5.5 % of the server's busy time in an 8-pair relay. When the
 * socket keeps the view (the system took only part of it; TLS reports its writes done on a later turn), the
 * buffer is the socket's until the socket has nothing queued again (a stream is done with a chunk once its
 * queued length no longer counts it), and frames are staged in a second buffer meanwhile. A socket that
 * still has bytes queued gets a copy of exactly the flush's size, so a slow reader holds what was written
 * to it, never a staging buffer per chunk.
 */
export class FrameWriter {
  private staging: Uint8Array = new Uint8Array(STAGING_SIZE);
  /** The staging buffer the socket still held at the last flush, if it held one (see the class comment). */
  private lent: Uint8Array | undefined;
  private encode: (frame: Frame, target: Uint8Array, offset: number) => number = encodeFrameInto;
  private length = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private batchMark = 0;
  private batchEpoch = 0;
  private marked = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly onWritten?: WrittenListener,
  ) {}

  /**
   * Stages a frame for writing. Throws `EncodeError` (nothing is staged then) for a value that does not
   * fit its field.
   */
  write(frame: Frame): void {
    if (this.length + FRAME_ROOM > this.staging.length) this.flush();
    this.length += this.encode(frame, this.staging, this.length);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes every later frame in compact framing (frames already staged keep theirs). */
  useCompactFraming(): void {
    this.encode = encodeCompactFrameInto;
  }

  /** The framing of the frames written from now on. */
  get framing(): Framing {
    return this.encode === encodeCompactFrameInto ? "compact" : "fixed";
  }

  /** Records `mark` (with its `epoch`) as the batch's mark, reported once the batch is written. */
  markBatch(mark: number, epoch: number): void {
    this.batchMark = mark;
    this.batchEpoch = epoch;
    this.marked = true;
  }

  /** Bytes staged here plus bytes the socket has not yet handed to the operating system. */
  get bufferedBytes(): number {
    return this.length + this.sink.writableLength;
  }

  /** Writes everything staged now. Returns false when the socket's own buffer is full. */
  flush(): boolean {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const length = this.length;
    if (length === 0) return true;
    this.length = 0;
    const sink = this.sink;
    if (!sink.writable) return false;
    const callback = this.callbackFor(length);
    if (sink.writableLength > 0) return sink.write(this.staging.slice(0, length), callback);
    // Nothing queued: every chunk given before is done with, a kept staging buffer too.
    const spare = this.lent;
    this.lent = undefined;
    const accepted = sink.write(this.staging.subarray(0, length), callback);
    if (sink.writableLength > 0) {
      // The socket kept the view: the buffer is its until its queue is empty again.
      this.lent = this.staging;
      this.staging = spare ?? new Uint8Array(STAGING_SIZE);
    }
    return accepted;
  }

  private callbackFor(bytes: number): (error?: Error | null) => void {
    const onWritten = this.onWritten;
    if (onWritten === undefined) return noop;
    const mark: BatchMark | undefined = this.marked
      ? { seq: this.batchMark, epoch: this.batchEpoch }
      : undefined;
    this.marked = false;
    return (error) => {
      if (!error) onWritten(bytes, mark);
    };
  }

  /** Drops anything staged and cancels the pending flush. */
  dispose(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.length = 0;
    this.marked = false;
  }
}

function noop(): void {}
