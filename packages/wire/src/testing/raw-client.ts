import { connect, type Socket } from "node:net";
import { type ConnectionOptions, connect as connectTls } from "node:tls";
import { encodeCompactFrame } from "../compact-encoder.js";
import { DecodeError } from "../decode-error.js";
import { Feature, hasFeature } from "../features.js";
import type { Frame } from "../frame.js";
import { encodeFrame } from "../frame-encoder.js";
import { FrameReader } from "../frame-reader.js";

/**
 * A test client that speaks raw frames, with no logic of its own: it sends what it is told and collects
 * every frame the server sends, so tests can check the bytes a seed-only client would see. Its one piece of
 * protocol: a `hey` granting compact framing switches what it sends and reads after it, as the server does.
 */
export class RawClient {
  /** Every frame received so far, in order. */
  readonly received: Frame[] = [];
  private readonly reader = new FrameReader();
  private readonly waiters: Array<() => void> = [];
  private taken = 0;
  private ended = false;
  private compact = false;
  /** Resolves when the server closed the socket (or it failed). */
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.reader.feed(chunk);
      try {
        for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
          this.received.push(frame);
          if (frame.type === "hey" && hasFeature(frame.features, Feature.compactFrames)) {
            this.compact = true;
            this.reader.useCompactFraming();
          }
        }
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        socket.destroy(error);
      }
      this.wake();
    });
    socket.on("error", () => {});
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  /**
   * Connects to a server on 127.0.0.1, from `localAddress` when given (another loopback address such as
   * 127.0.0.2, to act as a different host).
   */
  static open(port: number, localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const options =
        localAddress === undefined ? { host: "127.0.0.1", port } : { host: "127.0.0.1", port, localAddress };
      const socket = connect(options, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  /**
   * Connects to a TLS server on 127.0.0.1, as a seed client would that wraps its socket in TLS: the frames
   * are the same, only the bytes below them are encrypted. Resolves once the handshake succeeded.
   */
  static openTls(port: number, options: ConnectionOptions): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connectTls({ ...options, host: "127.0.0.1", port }, () =>
        resolve(new RawClient(socket)),
      );
      socket.once("error", reject);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Sends frames, encoded (in compact framing once a `hey` granted it), in one write. */
  send(...frames: Frame[]): void {
    const encode = this.compact ? encodeCompactFrame : encodeFrame;
    this.sendBytes(Buffer.concat(frames.map((frame) => encode(frame))));
  }

  /** Sends raw bytes. */
  sendBytes(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The next frame not yet taken; rejects after `timeoutMs` or when the socket closes first. */
  async next(timeoutMs = 3_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.received[this.taken];
      if (frame !== undefined) {
        this.taken++;
        return frame;
      }
      if (this.ended) throw new Error("the connection closed before the next frame");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a frame");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next `count` frames. */
  async take(count: number, timeoutMs = 3_000): Promise<Frame[]> {
    const frames: Frame[] = [];
    for (let index = 0; index < count; index++) frames.push(await this.next(timeoutMs));
    return frames;
  }

  /** Waits for the server to close the connection, failing after `timeoutMs`. */
  async waitClosed(timeoutMs = 3_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the server did not close the connection")), timeoutMs);
    });
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the socket at once. */
  destroy(): void {
    this.socket.destroy();
  }
}
