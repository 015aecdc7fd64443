import type { ChatConnection, DeliverySink, IncomingMessage, ServerLogger } from "@chat/core";
import { DeliveryChannel } from "@chat/core/adapter";
import { type ServerDuplexStream, type ServerWritableStream, status } from "@grpc/grpc-js";
import type { ChatResponse, SubscribeResponse } from "./gen/chat/v1/chat.js";
import { type GrpcStatus, toGrpcStatus } from "./status.js";
import { StreamBatcher } from "./stream-batcher.js";

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
  /**
   * Joins the responses ready in one turn of the event loop into one stream message (`Chat`, see
   * {@link StreamBatcher}); absent, each response is a write of its own (`Subscribe`).
   */
  readonly batching?: ResponseBatching<Response>;
  /** The session's connection: told to resume when the stream drains. */
  readonly connection: Pick<ChatConnection, "resume">;
  readonly drainTimeoutMs: number;
  readonly logger: ServerLogger;
  readonly username: string;
}

/** How a stream joins several responses into one message. */
export interface ResponseBatching<Response> {
  /** One stream message carrying `responses` (at least one), in order. */
  readonly join: (responses: readonly Response[]) => Response;
  /** An upper bound of one response's encoded size within a joined message. */
  readonly sizeOf: (response: Response) => number;
  /** Largest joined message, in bytes. */
  readonly maxBytes: number;
}

/**
 * One open `Subscribe` (or `Chat`) call as core's delivery sink: each message becomes a stream write (on
 * `Chat`, the messages and answers ready at once share one). grpc-js buffers
 * writes, so backpressure comes from `write()` returning false; the adapter kit's `DeliveryChannel` then
 * pauses core until the stream drains, and ends a stream that does not drain in time with
 * `RESOURCE_EXHAUSTED` (its messages stay stored, unacknowledged, for the next `Subscribe`).
 */
export class SubscribeStream<Response> {
  /** What to attach to core's connection. */
  readonly sink: DeliverySink;
  private readonly channel: DeliveryChannel;
  private readonly batcher: StreamBatcher<Response> | undefined;
  private done = false;
  private awaitingDrain = false;

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
    const batching = options.batching;
    if (batching !== undefined) {
      this.batcher = new StreamBatcher({
        write: (responses) => this.write(batching.join(responses)),
        sizeOf: batching.sizeOf,
        maxBytes: batching.maxBytes,
      });
    }
    this.sink = this.channel.sink((message) => this.send(options.toResponse(message)));
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
    return !this.done && this.send(response);
  }

  /** Ends the stream with `status`: OK for a normal end (logout), otherwise an error the client sees. */
  end(endStatus: GrpcStatus): void {
    this.finish(endStatus, false);
  }

  /** Writes `response` now, or queues it for the turn's batch; false when the stream is full. */
  private send(response: Response): boolean {
    return this.batcher === undefined ? this.write(response) : this.batcher.add(response);
  }

  private write(response: Response): boolean {
    const more = this.call.write(response);
    if (!more && !this.awaitingDrain) {
      this.awaitingDrain = true;
      this.call.once("drain", this.onDrain);
    }
    return more;
  }

  private readonly onDrain = (): void => {
    this.awaitingDrain = false;
    // The batch's queue first: the channel's resume may deliver more right away, behind it.
    this.batcher?.drained();
    this.channel.drained();
  };

  /** `endStatus` undefined: the call is already dead, so nothing is sent. */
  private finish(endStatus: GrpcStatus | undefined, sessionEnded: boolean): void {
    if (this.done) return;
    this.done = true;
    // What was queued goes out before the status (answers and messages written before the end), unless
    // the call is already dead.
    if (endStatus === undefined) this.batcher?.clear();
    else this.batcher?.flushAll();
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
