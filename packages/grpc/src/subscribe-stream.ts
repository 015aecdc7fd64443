import type { ChatError, DeliverySink, IncomingMessage } from "@chat/core";
import { type ServerDuplexStream, type ServerWritableStream, status } from "@grpc/grpc-js";
import type { ChatResponse, SubscribeResponse } from "./gen/chat/v1/chat.js";
import { type GrpcStatus, toGrpcStatus } from "./status.js";

/** What a {@link SubscribeStream} tells its session when it ends. */
export interface SubscribeStreamEvents {
  /** Core's session can take more messages again (the stream drained). */
  resume(): void;
  /**
   * The stream is over, for whatever reason. `sessionEnded` is true when core ended the whole session
   * (the service is shutting down), not only this stream.
   */
  ended(stream: SubscribeStream<unknown>, sessionEnded: boolean): void;
}

/** The server side of a call that streams the session's messages: `Subscribe`, or `Chat` (both ways). */
export type DeliveryCall<Response> =
  | ServerWritableStream<unknown, Response>
  | ServerDuplexStream<unknown, Response>;

/** A message as `Subscribe` sends it. */
export function subscribeResponse(message: IncomingMessage): SubscribeResponse {
  return {
    message: { seq: message.seq, sender: message.from, content: message.content, sentAtMs: message.sentAt },
  };
}

/** A message as `Chat` sends it: the same `ChatMessage`, answering no request. */
export function chatDelivery(message: IncomingMessage): ChatResponse {
  return {
    requestId: 0,
    message: { seq: message.seq, sender: message.from, content: message.content, sentAtMs: message.sentAt },
  };
}

/**
 * One open `Subscribe` (or `Chat`) call as core's delivery sink: each message becomes a stream write. grpc-js buffers
 * writes, so backpressure comes from `write()` returning false; the sink then returns false to core, which
 * pauses until the stream drains. A stream that does not drain in time is ended with `RESOURCE_EXHAUSTED`
 * (its messages stay stored, unacknowledged, for the next `Subscribe`).
 */
export class SubscribeStream<Response> implements DeliverySink {
  private done = false;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: DeliveryCall<Response>,
    private readonly events: SubscribeStreamEvents,
    private readonly drainTimeoutMs: number,
    /** The call's response for one message ({@link subscribeResponse} or {@link chatDelivery}). */
    private readonly toResponse: (message: IncomingMessage) => Response,
  ) {
    // The client cancelled, its deadline passed or its connection died: nothing can be sent any more.
    call.once("cancelled", () => this.finish(undefined, false));
  }

  /** Whether the stream is over. */
  get isEnded(): boolean {
    return this.done;
  }

  /**
   * Writes one answer of a `Chat` call (not a message): false when the stream's buffer is full, and the
   * answer is written all the same (grpc-js buffers it); the caller then stops taking requests.
   */
  answer(response: Response): boolean {
    return !this.done && this.call.write(response);
  }

  /** Writes one message; false when the stream's buffer is full (core then waits for `resume`). */
  deliver(message: IncomingMessage): boolean {
    if (this.done) return false;
    const more = this.call.write(this.toResponse(message));
    if (!more) this.awaitDrain();
    return more;
  }

  /** Core ended the session (the service is shutting down): pass its reason on as the stream's status. */
  ended(reason: ChatError): void {
    this.finish(toGrpcStatus(reason), true);
  }

  /** Ends the stream with `status`: OK for a normal end (logout), otherwise an error the client sees. */
  end(endStatus: GrpcStatus): void {
    this.finish(endStatus, false);
  }

  private awaitDrain(): void {
    this.call.once("drain", this.onDrain);
    this.drainTimer = setTimeout(this.onDrainTimeout, this.drainTimeoutMs);
    this.drainTimer.unref();
  }

  private readonly onDrain = (): void => {
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    if (!this.done) this.events.resume();
  };

  private readonly onDrainTimeout = (): void => {
    this.drainTimer = undefined;
    this.finish(
      {
        code: status.RESOURCE_EXHAUSTED,
        details: `the client read none of its messages for ${this.drainTimeoutMs} ms; they stay stored, subscribe again`,
      },
      false,
    );
  };

  /** `endStatus` undefined: the call is already dead, so nothing is sent. */
  private finish(endStatus: GrpcStatus | undefined, sessionEnded: boolean): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    this.call.removeListener("drain", this.onDrain);
    this.events.ended(this, sessionEnded);
    if (endStatus === undefined) return;
    if (endStatus.code === status.OK) {
      this.call.end();
    } else {
      // grpc-js turns an 'error' event on a server stream into the call's final status.
      this.call.emit("error", endStatus);
    }
  }
}
