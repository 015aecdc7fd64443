import { ChatError, type SendResult } from "@chat/core";
import { type ServerDuplexStream, status } from "@grpc/grpc-js";
import { requestsOf } from "./chat-batch.js";
import {
  type BatchedChatRequest,
  type ChatRequest,
  type ChatResponse,
  DeliveryMode,
  type SendMessageResponse,
} from "./gen/chat/v1/chat.js";
import type { GrpcSession } from "./grpc-session.js";
import { refusalOf } from "./request-refusal.js";
import type { GrpcStatus } from "./status.js";
import type { SubscribeStream } from "./subscribe-stream.js";

/**
 * Most requests of one `Chat` stream handled at once. Past it the server stops reading the stream, so a
 * client that sends faster than the service answers is held back by HTTP/2 flow control instead of
 * piling requests up in the server's memory. 64 keeps a store's group commit fed (it batches what is in
 * flight) while bounding what one client can queue. Requests of one stream message past it wait (at most
 * one message's worth, bounded by `maxChatMessageBytes`) until answers free their places.
 */
export const MAX_CHAT_REQUESTS_IN_FLIGHT = 64;

/** A `SendResult` as `SendMessage` and `Chat` answer it. */
export function sendMessageResponse(sent: SendResult): SendMessageResponse {
  return {
    seq: sent.seq,
    sentAtMs: sent.sentAt,
    delivery: sent.delivery === "live" ? DeliveryMode.DELIVERY_MODE_LIVE : DeliveryMode.DELIVERY_MODE_STORED,
  };
}

/**
 * The request side of one open `Chat` stream: sends and acks (one or several per stream message) go to the
 * session's connection as they arrive, each answered on the stream under its request id (a failure as a `ChatFailure`, the stream going
 * on). Reading pauses while {@link MAX_CHAT_REQUESTS_IN_FLIGHT} are unanswered or the answers are not
 * being read; the delivery side is the {@link SubscribeStream} it shares the call with. When the client
 * ends its side, the stream ends with OK once every request is answered.
 */
export class ChatCall {
  private inFlight = 0;
  /** Requests read but not started: the rest of a stream message that brought more than the cap allows. */
  private waiting: BatchedChatRequest[] = [];
  /** Requests of a message decoded with invalid UTF-8, and the refusal they get instead of being handled. */
  private readonly refusals = new WeakMap<BatchedChatRequest, ChatError>();
  private readingPaused = false;
  private answersBlocked = false;
  private clientDone = false;

  constructor(
    private readonly call: ServerDuplexStream<ChatRequest, ChatResponse>,
    private readonly stream: SubscribeStream<ChatResponse>,
    private readonly session: GrpcSession,
    /** A thrown error as the status the unary call would end with (logging `INTERNAL` ones). */
    private readonly failure: (error: unknown) => GrpcStatus,
  ) {
    call.on("data", (request: ChatRequest) => this.take(request));
    call.on("end", () => {
      this.clientDone = true;
      this.endIfDone();
    });
  }

  private take(message: ChatRequest): void {
    if (this.stream.isEnded) return;
    const requests = requestsOf(message);
    // Invalid UTF-8 anywhere in the message refuses every request it carries (the decoder cannot say whose).
    const refusal = refusalOf(message);
    if (refusal) for (const request of requests) this.refusals.set(request, refusal);
    this.waiting.push(...requests);
    this.startWaiting();
    this.updateReading();
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.inFlight < MAX_CHAT_REQUESTS_IN_FLIGHT) {
      this.start(this.waiting.shift() as BatchedChatRequest);
    }
  }

  private start(request: BatchedChatRequest): void {
    this.inFlight++;
    const { requestId } = request;
    this.handle(request).then(
      (response) => this.answer(response),
      (error: unknown) => {
        const failed = this.failure(error);
        this.answer({ requestId, failure: { code: failed.code, message: failed.details } });
      },
    );
  }

  private handle(request: BatchedChatRequest): Promise<ChatResponse> {
    const refusal = this.refusals.get(request);
    if (refusal) return Promise.reject(refusal);
    const { requestId, send, ack } = request;
    const connection = this.session.connection;
    if (send !== undefined) {
      return connection
        .send(send.to, send.content, send.clientMessageId)
        .then((sent) => ({ requestId, sent: sendMessageResponse(sent) }));
    }
    if (ack !== undefined) return connection.ack(ack.upToSeq).then(() => ({ requestId, acked: {} }));
    return Promise.reject(new ChatError("INVALID_ARGUMENT", "a Chat request needs a send or an ack"));
  }

  private answer(response: ChatResponse): void {
    this.inFlight--;
    if (this.stream.isEnded) this.waiting = [];
    else this.startWaiting();
    if (!this.stream.answer(response) && !this.stream.isEnded && !this.answersBlocked) {
      this.answersBlocked = true;
      this.call.once("drain", () => {
        this.answersBlocked = false;
        this.updateReading();
      });
    }
    this.updateReading();
    this.endIfDone();
  }

  private updateReading(): void {
    const stop =
      this.inFlight >= MAX_CHAT_REQUESTS_IN_FLIGHT || this.waiting.length > 0 || this.answersBlocked;
    if (stop && !this.readingPaused) {
      this.readingPaused = true;
      this.call.pause();
    } else if (!stop && this.readingPaused) {
      this.readingPaused = false;
      this.call.resume();
    }
  }

  private endIfDone(): void {
    if (this.clientDone && this.inFlight === 0 && this.waiting.length === 0)
      this.stream.end({ code: status.OK, details: "" });
  }
}
