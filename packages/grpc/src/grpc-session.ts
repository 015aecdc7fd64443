import type { ChatConnection } from "@chat/core";
import { SessionLease } from "@chat/core/adapter";
import { status } from "@grpc/grpc-js";
import type { GrpcStatus } from "./status.js";
import type { SubscribeStream } from "./subscribe-stream.js";

/** What a {@link GrpcSession} needs from the table that owns it. */
export interface GrpcSessionOwner {
  /** The session's lease ran out (no stream and no call for that long): the session must end. */
  expire(session: GrpcSession): void;
  /** Core ended the session itself (the service is shutting down). */
  lost(session: GrpcSession): void;
}

/**
 * One gRPC login: the `ChatConnection` behind a session token, plus what makes the account "online" (an open
 * `Subscribe` stream) and the session lease that expires a session nobody uses, so a crashed client cannot
 * keep its account logged in for ever.
 */
export class GrpcSession {
  private stream: SubscribeStream<unknown> | undefined;
  /**
   * Held by the open stream; each call in progress keeps it from running out and renews it, but only up
   * to the renewal limit after the login or the last stream's end (the adapter kit's one lease rule).
   */
  private readonly lease: SessionLease;
  private closed = false;

  constructor(
    /** The SHA-256 of the session token: the table's key. The token itself is never kept. */
    readonly tokenHash: string,
    /** Core's connection that holds the logged-in session. */
    readonly connection: ChatConnection,
    /** The account's registered spelling, for logs. */
    readonly username: string,
    lease: { readonly leaseMs: number; readonly renewalLimitMs: number },
    private readonly owner: GrpcSessionOwner,
  ) {
    this.lease = new SessionLease(lease.leaseMs, () => owner.expire(this), lease.renewalLimitMs);
  }

  /** Whether a `Subscribe` stream is open. */
  get subscribed(): boolean {
    return this.stream !== undefined;
  }

  /** A call of this session started: the session cannot expire while it runs. */
  callStarted(): void {
    this.lease.callStarted();
  }

  /** A call of this session finished: the lease runs again from now, up to the renewal limit. */
  callEnded(): void {
    this.lease.callEnded();
  }

  /**
   * Makes `stream` the session's delivery sink: stored messages first, then live ones. A stream already
   * open is ended with `FAILED_PRECONDITION`, so the newest subscriber (a reconnecting client) wins.
   */
  subscribe(stream: SubscribeStream<unknown>): void {
    const previous = this.stream;
    this.stream = stream;
    // The open stream holds the lease once, whichever stream it is.
    if (previous === undefined) this.lease.hold();
    previous?.end({
      code: status.FAILED_PRECONDITION,
      details: "this stream was replaced by a newer Subscribe of the same session",
    });
    try {
      this.connection.attach(stream.sink);
    } catch (error) {
      this.stream = undefined;
      this.lease.release();
      throw error;
    }
  }

  /** A stream ended: if it was the session's, the account goes offline and the lease starts to run. */
  streamEnded(stream: SubscribeStream<unknown>, sessionEnded: boolean): void {
    if (sessionEnded) {
      this.owner.lost(this);
      return;
    }
    if (this.stream !== stream) return;
    this.stream = undefined;
    this.connection.detach();
    this.lease.release();
  }

  /**
   * Ends the session: its stream ends with `streamStatus` and core's connection closes (unacknowledged
   * messages stay stored). Safe to call more than once.
   */
  close(streamStatus: GrpcStatus): void {
    if (this.closed) return;
    this.closed = true;
    this.lease.end();
    const stream = this.stream;
    this.stream = undefined;
    stream?.end(streamStatus);
    this.connection.close();
  }
}
