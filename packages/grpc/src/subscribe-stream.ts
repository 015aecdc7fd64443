import type { ChatConnection, DeliverySink, IncomingMessage, ServerLogger } from "@chat/core";
import { DeliveryChannel } from "@chat/core/adapter";
import { type ServerDuplexStream, type ServerWritableStream, status } from "@grpc/grpc-js";
import type { ChatResponse, SubscribeResponse } from "./gen/chat/v1/chat.js";
import { type GrpcStatus, toGrpcStatus } from "./status.js";

/** What a {@link SubscribeStream} tells its session when it ends. */
export interface SubscribeStreamEvents {
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

/** Options of a {@link SubscribeStream}. */
export interface SubscribeStreamOptions<Response> {
  /** The call's response for one message ({@link subscribeResponse} or {@link chatDelivery}). */
  readonly toResponse: (message: IncomingMessage) => Response;
  /** The session's connection: told to resume when the stream drains. */
  readonly connection: Pick<ChatConnection, "resume">;
  readonly drainTimeoutMs: number;
  readonly logger: ServerLogger;
  readonly username: string;
}

/**
 * One open `Subscribe` (or `Chat`) call as core's delivery sink: each message becomes a stream write. grpc-js buffers
 * writes, so backpressure comes from `write()` returning false; the adapter kit's `DeliveryChannel` then
 * pauses core until the stream drains, and ends a stream that does not drain in time with
 * `RESOURCE_EXHAUSTED` (its messages stay stored, unacknowledged, for the next `Subscribe`).
 */
export class SubscribeStream<Response> {
  /** What to attach to core's connection. */
  readonly sink: DeliverySink;
  private readonly channel: DeliveryChannel;
  private done = false;

  constructor(
    private readonly call: DeliveryCall<Response>,
    private readonly events: SubscribeStreamEvents,
    options: SubscribeStreamOptions<Response>,
  ) {
    this.channel = new DeliveryChannel({
      connection: options.connection,
      drainTimeoutMs: options.drainTimeoutMs,
      logger: options.logger,
      logFields: { username: options.username, peer: call.getPeer() },
      onStalled: (drainTimeoutMs) =>
        this.finish(
          {
            code: status.RESOURCE_EXHAUSTED,
            details: `the client read none of its messages for ${drainTimeoutMs} ms; they stay stored, subscribe again`,
          },
          false,
        ),
      // Core ended the session (the service is shutting down): its reason becomes the stream's status.
      onEnded: (reason) => this.finish(toGrpcStatus(reason), true),
    });
    this.sink = this.channel.sink((message) => {
      const more = call.write(options.toResponse(message));
      if (!more) call.once("drain", this.onDrain);
      return more;
    });
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

  /** Ends the stream with `status`: OK for a normal end (logout), otherwise an error the client sees. */
  end(endStatus: GrpcStatus): void {
    this.finish(endStatus, false);
  }

  private readonly onDrain = (): void => this.channel.drained();

  /** `endStatus` undefined: the call is already dead, so nothing is sent. */
  private finish(endStatus: GrpcStatus | undefined, sessionEnded: boolean): void {
    if (this.done) return;
    this.done = true;
    this.channel.close();
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
