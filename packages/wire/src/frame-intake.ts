import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { DecodeError } from "./decode-error.js";
import type { Frame } from "./frame.js";
import { FrameReader } from "./frame-reader.js";

/** Where a {@link FrameIntake} puts what it reads. */
export interface FrameIntakeTarget {
  /** Whether another frame fits; when not, reading pauses until {@link FrameIntake.readMore}. */
  hasRoom(): boolean;
  /** One decoded frame, or the error of one that could not be decoded. */
  take(item: Frame | DecodeError): void;
  /** A read pass is over (something may have been taken). */
  afterRead(): void;
}

/**
 * The reading side of one socket: bytes to frames, paused while the target is full so input waits in the
 * kernel rather than in memory, and the clock of a frame left half-sent (the slow-drip attack).
 */
export class FrameIntake {
  private readonly reader = new FrameReader();
  /** Chunks that slipped through while the socket was being paused. */
  private readonly backlog: Buffer[] = [];
  private paused = false;
  private stopped = false;
  private partialSince: number | undefined;
  private partialFramesRead = 0;
  private lastHeardAt = performance.now();

  constructor(
    private readonly socket: Socket,
    private readonly target: FrameIntakeTarget,
  ) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
  }

  /** Frames read so far, bad ones included. */
  get framesRead(): number {
    return this.reader.framesRead;
  }

  /** When the client last sent anything. */
  get lastInboundAt(): number {
    return this.lastHeardAt;
  }

  /** Whether reading is paused because the target is full. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** How long a frame has been left half-sent at `now`, or `undefined` when none is. */
  partialFrameAge(now: number): number | undefined {
    return this.partialSince === undefined ? undefined : now - this.partialSince;
  }

  /** Reads every frame after the one just taken in compact framing (see `FrameReader.useCompactFraming`). */
  useCompactFraming(): void {
    this.reader.useCompactFraming();
  }

  /** Reads nothing more, for good. */
  stop(): void {
    this.stopped = true;
  }

  /** Reads nothing more and stops the socket delivering input (graceful shutdown). */
  pause(): void {
    this.stopped = true;
    this.socket.pause();
  }

  /** The target has room again: reads what waits, resuming the socket when all is read. */
  readMore(): void {
    if (this.paused) this.readFrames();
  }

  private onData(chunk: Buffer): void {
    if (this.stopped) return;
    this.lastHeardAt = performance.now();
    // The socket is paused while the reader holds unread input; a chunk that still slips through waits here.
    if (this.reader.hasUnreadInput) {
      this.backlog.push(chunk);
      return;
    }
    this.reader.feed(chunk);
    this.readFrames();
  }

  /** Decodes frames until the target is full; the rest of the chunk waits in the reader, the socket paused. */
  private readFrames(): void {
    while (!this.stopped && this.target.hasRoom()) {
      let frame: Frame | undefined;
      try {
        frame = this.reader.next();
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        if (error.fatal) this.stopped = true;
        this.target.take(error);
        continue;
      }
      if (frame === undefined) {
        const chunk = this.backlog.shift();
        if (chunk === undefined) break;
        this.reader.feed(chunk);
        continue;
      }
      this.target.take(frame);
    }
    const backlog = (this.reader.hasUnreadInput || this.backlog.length > 0) && !this.stopped;
    if (backlog !== this.paused) {
      this.paused = backlog;
      if (backlog) this.socket.pause();
      else this.socket.resume();
    }
    this.trackPartialFrame();
    this.target.afterRead();
  }

  private trackPartialFrame(): void {
    if (!this.reader.hasPartialFrame) this.partialSince = undefined;
    else if (this.partialSince === undefined || this.reader.framesRead !== this.partialFramesRead) {
      this.partialSince = performance.now();
      this.partialFramesRead = this.reader.framesRead;
    }
  }
}
