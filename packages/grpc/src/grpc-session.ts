import type { ChatConnection } from "@chat/core";
import { status } from "@grpc/grpc-js";
import type { GrpcStatus } from "./status.js";
import type { SubscribeStream } from "./subscribe-stream.js";

/** What a {@link GrpcSession} needs from the table that owns it. */
export interface GrpcSessionOwner {
  /** No stream and no call for the idle timeout: the session must end. */
  expire(session: GrpcSession): void;
  /** Core ended the session itself (the service is shutting down). */
  lost(session: GrpcSession): void;
}

/**
 * One gRPC login: the `ChatConnection` behind a session token, plus what makes the account "online" (an open
 * `Subscribe` stream) and the idle clock that expires a session nobody uses, so a crashed client cannot
 * keep its account logged in for ever.
 */
export class GrpcSession {
  private stream: SubscribeStream<unknown> | undefined;
  private activeCalls = 0;
  private lastActiveAt = performance.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    /** The SHA-256 of the session token: the table's key. The token itself is never kept. */
    readonly tokenHash: string,
    /** Core's connection that holds the logged-in session. */
    readonly connection: ChatConnection,
    /** The account's registered spelling, for logs. */
    readonly username: string,
    private readonly idleTimeoutMs: number,
    private readonly owner: GrpcSessionOwner,
  ) {
    this.armIdleTimer();
  }

  /** Whether a `Subscribe` stream is open. */
  get subscribed(): boolean {
    return this.stream !== undefined;
  }

  /** A call of this session started: it is in use, whatever the idle clock says. */
  callStarted(): void {
    this.activeCalls++;
    this.lastActiveAt = performance.now();
  }

  /** A call of this session finished: the idle clock starts again from now. */
  callEnded(): void {
    this.activeCalls--;
    this.lastActiveAt = performance.now();
  }

  /**
   * Makes `stream` the session's delivery sink: stored messages first, then live ones. A stream already
   * open is ended with `FAILED_PRECONDITION`, so the newest subscriber (a reconnecting client) wins.
   */
  subscribe(stream: SubscribeStream<unknown>): void {
    const previous = this.stream;
    this.stream = stream;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    previous?.end({
      code: status.FAILED_PRECONDITION,
      details: "this stream was replaced by a newer Subscribe of the same session",
    });
    try {
      this.connection.attach(stream);
    } catch (error) {
      this.stream = undefined;
      this.armIdleTimer();
      throw error;
    }
  }

  /** The stream drained: core may deliver again, if it is still the session's stream. */
  resumeStream(stream: SubscribeStream<unknown>): void {
    if (this.stream === stream) this.connection.resume();
  }

  /** A stream ended: if it was the session's, the account goes offline and the idle clock starts. */
  streamEnded(stream: SubscribeStream<unknown>, sessionEnded: boolean): void {
    if (sessionEnded) {
      this.owner.lost(this);
      return;
    }
    if (this.stream !== stream) return;
    this.stream = undefined;
    this.connection.detach();
    this.lastActiveAt = performance.now();
    this.armIdleTimer();
  }

  /**
   * Ends the session: its stream ends with `streamStatus` and core's connection closes (unacknowledged
   * messages stay stored). Safe to call more than once.
   */
  close(streamStatus: GrpcStatus): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    stream?.end(streamStatus);
    this.connection.close();
  }

  private armIdleTimer(delayMs = this.idleTimeoutMs): void {
    if (this.closed || this.stream || this.idleTimer) return;
    this.idleTimer = setTimeout(this.checkIdle, delayMs);
    // An idle session must not keep the process alive on its own.
    this.idleTimer.unref();
  }

  // One timer per idle session, re-armed lazily: calls only stamp a time, they never touch timers.
  private readonly checkIdle = (): void => {
    this.idleTimer = undefined;
    if (this.closed || this.stream) return;
    const idleFor = performance.now() - this.lastActiveAt;
    if (this.activeCalls > 0 || idleFor < this.idleTimeoutMs) {
      this.armIdleTimer(this.activeCalls > 0 ? this.idleTimeoutMs : this.idleTimeoutMs - idleFor);
      return;
    }
    this.owner.expire(this);
  };
}
