import {
  type AccountPage,
  type AccountQuery,
  ChatClientBase,
  type ChatClientOptions,
  ChatError,
  ClientRequest,
  type ClientTls,
  clientTlsOptions,
  type IncomingMessage,
  type LoginResult,
  type OutgoingSend,
  type SendResult,
} from "@chat/core";
import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientDuplexStream,
  type ClientReadableStream,
  connectivityState,
  credentials as grpcCredentials,
  Metadata,
  type MethodDefinition,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { batchBudget, joinRequests, requestBytes, responsesOf } from "./chat-batch.js";
import {
  type BatchedChatRequest,
  type BatchedChatResponse,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  type ChatServiceClient,
  DeliveryMode,
  type ListAccountsRequest,
  type SendMessageResponse,
  type SubscribeResponse,
} from "./gen/chat/v1/chat.js";
import { clientChannelOptions, DEFAULT_GRPC_CLIENT_LIMITS, type GrpcClientLimits } from "./limits.js";
import { CHAT_SERVICE_DEFINITION, ZeroCopyChatServiceClient } from "./service-definition.js";
import { AUTHORIZATION_KEY } from "./session-token.js";
import { fromGrpcStatus } from "./status.js";
import { StreamBatcher } from "./stream-batcher.js";
import { type ChannelTls, channelTls } from "./tls-credentials.js";

/** Default number of received messages the client holds before it stops reading the stream. */
export const DEFAULT_MAX_BUFFERED_MESSAGES = 1024;
/** Deadline of the best-effort logout at `close()` and after a failed subscribe. */
const GOODBYE_TIMEOUT_MS = 2_000;

/**
 * Options of a {@link GrpcClient}. The request deadline (`requestTimeoutMs`, default
 * `DEFAULT_REQUEST_TIMEOUT_MS`) and `connectTimeoutMs` (default `DEFAULT_CONNECT_TIMEOUT_MS`) are core's,
 * the same on every transport.
 */
export interface GrpcClientOptions extends ChatClientOptions {
  /** Server host; default `127.0.0.1`. */
  readonly host?: string;
  /** Server port. */
  readonly port: number;
  /**
   * Speak TLS to a server started with `tls` (the same setting as the wire client's): `true` trusts the
   * system's CAs, or give `{ ca, cert, key, servername }` (a private CA; a client certificate for a server
   * that requires one; the name the certificate must carry when it is not `host`). TLS 1.2 minimum; the
   * server's certificate is always verified. Default plaintext. Give `tls` or `credentials`, not both.
   */
  readonly tls?: ClientTls;
  /**
   * grpc-js channel credentials, for what `tls` does not cover (e.g. composed call credentials). Default
   * plaintext (`credentials.createInsecure()`).
   */
  readonly credentials?: ChannelCredentials;
  /**
   * Messages received but not yet taken from `messages` before the client stops reading the stream, so a
   * slow consumer pushes back on the server instead of filling memory. Default
   * {@link DEFAULT_MAX_BUFFERED_MESSAGES}.
   */
  readonly maxBufferedMessages?: number;
  /** Transport limits; each one missing takes its value from `DEFAULT_GRPC_CLIENT_LIMITS`. */
  readonly limits?: Partial<GrpcClientLimits>;
  /**
   * Extra grpc-js channel options, applied over the ones `limits` sets. For example
   * `{ "grpc.use_local_subchannel_pool": 1 }` gives this client a TCP connection of its own instead of
   * sharing one with every other client of the process that has the same target and options.
   */
  readonly channelOptions?: ChannelOptions;
  /**
   * Whether sends, acks and deliveries go over one bidirectional `Chat` stream per session when the server
   * offers it (default true; a server without `Chat` gets `Subscribe` and the unary calls). `false` forces
   * `Subscribe` and the unary `SendMessage`/`Ack`, what generic gRPC tools do.
   */
  readonly chatStream?: boolean;
}

/** An answer the client waits for on the `Chat` stream. */
type StreamAnswer =
  | { readonly kind: "send"; readonly request: ClientRequest<SendResult> }
  | { readonly kind: "ack"; readonly request: ClientRequest<void> };

/** A session's delivery stream: `Subscribe`, or `Chat` (which also carries sends and acks). */
type DeliveryStream = ClientReadableStream<SubscribeResponse> | ClientDuplexStream<ChatRequest, ChatResponse>;

/** What opening a session's delivery stream (`Chat` or `Subscribe`) works with. */
interface StreamOpening {
  readonly client: ChatServiceClient;
  /** The session token's metadata. */
  readonly auth: Metadata;
  /** The login (or resume) that the server attaching the stream settles. */
  readonly pending: ClientRequest<LoginResult>;
  readonly username: string;
  /** What to do instead when the server no longer knows the token (a resume); without it the login fails. */
  readonly unknownSession: (() => void) | undefined;
}

/** Calls without a session carry no metadata; grpc-js clones what it is given, so one instance serves all. */
const NO_METADATA = new Metadata();
/**
 * The deadline is the base's timer, which cancels the call (the server sees the cancellation), so grpc-js
 * gets none of its own: two timers racing would word the same failure two ways.
 */
const NO_CALL_OPTIONS: Partial<CallOptions> = {};

/**
 * A {@link ChatClient} over gRPC. `login` keeps the session token and opens the `Subscribe` stream that
 * feeds {@link messages}; `close` logs out, so the account is free at once. Failed calls reject with a
 * `ChatError` carrying the server's code and message. State, deadlines, signals and `closed` are
 * `ChatClientBase`'s; a call given up is cancelled.
 */
export class GrpcClient extends ChatClientBase {
  private readonly options: GrpcClientOptions;
  /** The TLS credentials and channel options, when `tls` is set. */
  private readonly tls: ChannelTls | undefined;
  private client: ChatServiceClient | undefined;
  /**
   * The session's `authorization: Bearer <token>` metadata, built once at login and sent with every call
   * (grpc-js clones it per call), instead of a new `Metadata` with its header validation on each call.
   */
  private auth: Metadata | undefined;
  /** The session's delivery stream: `Subscribe`, or `Chat` (which also carries sends and acks). */
  private stream: DeliveryStream | undefined;
  private streamPaused = false;
  private readonly maxBuffered: number;
  /** Largest `Chat` stream message of requests this client joins (within its send limit). */
  private readonly batchBytes: number;
  /** The session's `Chat` stream, once attached; `undefined` with `Subscribe` and the unary calls. */
  private chat: ClientDuplexStream<ChatRequest, ChatResponse> | undefined;
  /** Requests on the `Chat` stream waiting for their answer, by request id. */
  private readonly answers = new Map<number, StreamAnswer>();
  private nextRequestId = 1;
  /**
   * The `Chat` stream's outgoing requests: those issued in one turn of the event loop share a stream
   * message; held while the stream's write buffer is full (HTTP/2 flow control), sent on drain.
   */
  private requestBatcher: StreamBatcher<BatchedChatRequest> | undefined;
  /** The server answered `Chat` with UNIMPLEMENTED: this server has only `Subscribe` and the unary calls. */
  private chatUnsupported = false;

  /** @inheritDoc */
  override readonly messages: AsyncIterable<IncomingMessage> = {
    [Symbol.asyncIterator]: () => ({
      // Not async: the queue's own promise is returned as is, without a wrapping promise per message.
      next: () => {
        // The queue takes a buffered item synchronously, so `size` below already counts it as taken.
        const result = this.incoming.next();
        // Read the stream again once the consumer has taken half of what was buffered.
        if (this.streamPaused && this.incoming.size <= this.maxBuffered / 2) {
          this.streamPaused = false;
          this.stream?.resume();
        }
        return result;
      },
    }),
  };

  constructor(options: GrpcClientOptions) {
    super(options);
    this.options = options;
    const tls = clientTlsOptions(options.tls);
    if (tls !== undefined && options.credentials !== undefined) {
      throw new TypeError("GrpcClient: give tls or credentials, not both");
    }
    // Built once: every channel of this client (each reconnect opens one) shakes hands with the same.
    this.tls = tls === undefined ? undefined : channelTls(tls, options.host ?? "127.0.0.1");
    this.maxBuffered = options.maxBufferedMessages ?? DEFAULT_MAX_BUFFERED_MESSAGES;
    this.batchBytes = batchBudget({ ...DEFAULT_GRPC_CLIENT_LIMITS, ...options.limits }.maxSendMessageBytes);
  }

  /**
   * Whether the channel speaks TLS (`tls`, or secure `credentials`).
   */
  get secure(): boolean {
    return this.tls !== undefined || (this.options.credentials?._isSecure() ?? false);
  }

  /**
   * Whether the session's sends, acks and deliveries run over the `Chat` stream (`"stream"`) or over
   * `Subscribe` and the unary calls (`"unary"`: forced, the server lacks `Chat`, or no session yet).
   */
  get mode(): "stream" | "unary" {
    return this.chat === undefined ? "unary" : "stream";
  }

  /** The channel; the base only lets requests start while the client is open, when it exists. */
  private get channel(): ChatServiceClient {
    if (!this.client) throw new ChatError("UNAVAILABLE", "the client is not connected");
    return this.client;
  }

  /**
   * Creates a channel and waits for it to be ready; the base bounds the wait by `connectTimeoutMs`. A
   * client that reconnects then watches the channel: once it is no longer ready, the connection is lost.
   */
  protected openTransport(attempt: ClientRequest<void>): void {
    const host = this.options.host ?? "127.0.0.1";
    const target = host.includes(":") ? `[${host}]:${this.options.port}` : `${host}:${this.options.port}`;
    const client = new ZeroCopyChatServiceClient(
      target,
      this.tls?.credentials ?? this.options.credentials ?? grpcCredentials.createInsecure(),
      {
        ...clientChannelOptions({ ...DEFAULT_GRPC_CLIENT_LIMITS, ...this.options.limits }),
        ...this.tls?.channelOptions,
        ...this.options.channelOptions,
      },
    );
    this.client = client;
    client.waitForReady(Number.POSITIVE_INFINITY, (error) => {
      if (error) {
        attempt.reject(new ChatError("UNAVAILABLE", `cannot reach the server: ${error.message}`));
        return;
      }
      if (this.reconnects) this.watchChannel(client);
      attempt.resolve();
    });
  }

  protected carryRegister(username: string, password: string, request: ClientRequest<void>): void {
    this.call(CHAT_SERVICE_DEFINITION.register, { username, password }, request, () => undefined);
  }

  /**
   * Two calls under one request: `Login`, then `Subscribe` until the server attached it. Given up after
   * `Login` succeeded, the client logs the session out again.
   */
  protected carryLogin(username: string, password: string, pending: ClientRequest<LoginResult>): void {
    const client = this.channel;
    const method = CHAT_SERVICE_DEFINITION.login;
    // Sent with the current token, if any: the server then answers "already logged in" itself.
    const call = client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      { username, password },
      this.auth ?? NO_METADATA,
      NO_CALL_OPTIONS,
      (error, reply) => {
        if (error) this.refused(client, error, pending);
        else if (reply === undefined) pending.reject(new ChatError("INTERNAL", "the server sent no reply"));
        else {
          const auth = new Metadata();
          auth.set(AUTHORIZATION_KEY, `Bearer ${reply.token}`);
          this.auth = auth;
          if (pending.isSettled) void this.endSession();
          else {
            this.openDeliveryStream({
              client,
              auth,
              pending,
              username: reply.username,
              unknownSession: undefined,
            });
          }
        }
      },
    );
    pending.cancelWith(call);
  }

  /**
   * A gRPC session outlives its connection (until the server's idle lease ends it): the client first
   * subscribes again with the token it kept, and logs in again only when the server no longer knows it.
   */
  protected override carryResume(
    username: string,
    password: string,
    pending: ClientRequest<LoginResult>,
  ): void {
    const auth = this.auth;
    if (auth === undefined) {
      this.carryLogin(username, password, pending);
      return;
    }
    this.openDeliveryStream({
      client: this.channel,
      auth,
      pending,
      username,
      unknownSession: () => {
        this.auth = undefined;
        this.carryLogin(username, password, pending);
      },
    });
  }

  protected carryLogout(request: ClientRequest<void>): void {
    this.call(CHAT_SERVICE_DEFINITION.logout, {}, request, () => {
      this.dropSession();
      return undefined;
    });
  }

  protected carryDeleteAccount(request: ClientRequest<void>): void {
    this.call(CHAT_SERVICE_DEFINITION.deleteAccount, {}, request, () => {
      this.dropSession();
      return undefined;
    });
  }

  protected carryListAccounts(query: AccountQuery, request: ClientRequest<AccountPage>): void {
    const message: ListAccountsRequest = {
      pattern: query.pattern ?? "",
      pageSize: query.pageSize,
      pageToken: query.cursor ?? "",
    };
    this.call(CHAT_SERVICE_DEFINITION.listAccounts, message, request, (reply) =>
      reply.nextPageToken === ""
        ? { usernames: reply.usernames }
        : { usernames: reply.usernames, nextCursor: reply.nextPageToken },
    );
  }

  protected carrySend(send: OutgoingSend, request: ClientRequest<SendResult>): void {
    const { to, content, clientMessageId } = send;
    const message =
      clientMessageId === undefined
        ? { to, content }
        : { to, content, clientMessageId: Buffer.from(clientMessageId) };
    if (this.chat !== undefined) this.onStream({ kind: "send", request }, { send: message });
    else this.call(CHAT_SERVICE_DEFINITION.sendMessage, message, request, sendResult);
  }

  protected carryAck(upToSeq: number, request: ClientRequest<void>): void {
    if (this.chat !== undefined) this.onStream({ kind: "ack", request }, { ack: { upToSeq } });
    else this.call(CHAT_SERVICE_DEFINITION.ack, { upToSeq }, request, () => undefined);
  }

  /** Logging out at `close()` frees the account at once instead of after the server's session lease. */
  protected override async beforeClose(): Promise<void> {
    if (this.auth !== undefined) await this.endSession();
  }

  /** Closes the lost channel; the session token stays, to subscribe again with. */
  protected dropTransport(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (this.chat !== undefined)
      this.chatEnded(this.chat, new ChatError("UNAVAILABLE", "the connection was lost"));
    stream?.cancel();
    const client = this.client;
    this.client = undefined;
    client?.close();
  }

  protected releaseTransport(): void {
    this.dropSession();
    this.client?.close();
  }

  /** Reports the loss once the channel leaves the ready state (the connection closed or its keepalive failed). */
  private watchChannel(client: ChatServiceClient): void {
    const channel = client.getChannel();
    channel.watchConnectivityState(connectivityState.READY, Number.POSITIVE_INFINITY, () => {
      if (this.client !== client) return;
      const now = channel.getConnectivityState(false);
      if (now === connectivityState.READY) this.watchChannel(client);
      else this.connectionLost(new ChatError("UNAVAILABLE", "the connection to the server was lost"));
    });
  }

  /**
   * A call failed: `UNAVAILABLE` from a client that reconnects is the connection failing under it (the
   * base learns of it before the call's own rejection, so a send stays in the outbox).
   */
  private refused<T>(client: ChatServiceClient, error: ServiceError, pending: ClientRequest<T>): void {
    const reason = fromGrpcStatus(error);
    if (error.code === status.UNAVAILABLE && this.reconnects && this.client === client) {
      this.connectionLost(reason);
    }
    pending.reject(reason);
  }

  /** One unary call with the session's token (if any); `answer` turns the reply into the request's value. */
  private call<Request, Response, Answer>(
    method: MethodDefinition<Request, Response>,
    message: Request,
    pending: ClientRequest<Answer>,
    answer: (response: Response) => Answer,
  ): void {
    const client = this.channel;
    const auth = this.auth ?? NO_METADATA;
    // Through the generic entry point with our zero-copy serializers (see CHAT_SERVICE_DEFINITION).
    const call = withoutCallerStack(() =>
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        message,
        auth,
        NO_CALL_OPTIONS,
        (error, response) => {
          if (error) this.refused(client, error, pending);
          else if (response === undefined)
            pending.reject(new ChatError("INTERNAL", "the server sent no reply"));
          else pending.resolve(answer(response));
        },
      ),
    );
    pending.cancelWith(call);
  }

  /**
   * Opens the Subscribe stream; settles the opening's login once the server has attached it (its headers
   * arrived).
   */
  private subscribe(opening: StreamOpening): void {
    const stream = opening.client.subscribe({}, opening.auth);
    this.adoptStream(stream, opening, () => opening.pending.resolve({ username: opening.username }));
    stream.on("data", (response: SubscribeResponse) => {
      if (this.stream === stream && response.message) this.receive(response.message, stream);
    });
  }

  /**
   * Makes `stream` the session's delivery stream, not yet attached by the server; `onAttached` runs when
   * the server attaches it (its headers arrive). An error before that is the server refusing the stream
   * (see {@link refusedBeforeAttach}, which `unimplemented` is passed to); after it, an error that is not
   * our own cancel loses the connection. `ended` runs after every error once attached, the connection's
   * loss first.
   */
  private adoptStream(
    stream: DeliveryStream,
    opening: StreamOpening,
    onAttached: () => void,
    { unimplemented, ended }: { unimplemented?: () => void; ended?: (reason: ChatError) => void } = {},
  ): void {
    this.stream = stream;
    this.streamPaused = false;
    // Given up before the stream is attached: the session the login opened is logged out again.
    opening.pending.cancelWith({ cancel: () => void this.endSession() });
    let attached = false;
    stream.once("metadata", () => {
      attached = true;
      onAttached();
    });
    stream.on("error", (error: ServiceError) => {
      if (!attached) {
        this.refusedBeforeAttach(stream, error, opening, unimplemented);
        return;
      }
      const reason = fromGrpcStatus(error);
      // Our own cancel (logout, close, a dropped channel) is not news; anything else loses the connection,
      // which the base learns before `ended` runs so that the sends on a `Chat` stream stay in its outbox.
      if (this.stream === stream && error.code !== status.CANCELLED) {
        this.stream = undefined;
        this.connectionLost(reason);
      }
      ended?.(reason);
    });
  }

  /**
   * The server refused `stream` before attaching it: what the login that opened it gets. `unimplemented`,
   * when given, is what to do instead when the server does not offer the call.
   */
  private refusedBeforeAttach(
    stream: DeliveryStream,
    error: ServiceError,
    { pending, unknownSession }: StreamOpening,
    unimplemented?: () => void,
  ): void {
    if (pending.isSettled || this.stream !== stream) return;
    this.stream = undefined;
    const reason = fromGrpcStatus(error);
    if (error.code === status.UNIMPLEMENTED && unimplemented) unimplemented();
    else if (error.code === status.UNAUTHENTICATED && unknownSession) unknownSession();
    else if (error.code === status.UNAVAILABLE && this.reconnects) {
      // The connection failed under the stream: the session is still ours, to resume next time.
      this.connectionLost(reason);
      pending.reject(reason);
    } else {
      pending.reject(reason);
      void this.endSession();
    }
  }

  /** `Chat` unless told otherwise or the server lacks it; else `Subscribe` (see {@link subscribe}). */
  private openDeliveryStream(opening: StreamOpening): void {
    if (this.options.chatStream === false || this.chatUnsupported) {
      this.subscribe(opening);
    } else this.openChat(opening);
  }

  /**
   * Buffers one delivered message; stops reading `stream` while the consumer is this far behind. Not while
   * an answer is awaited on the `Chat` stream: the answer comes behind the messages, so a send is never
   * stuck behind messages the application has not taken yet (the buffer then grows by what was in flight).
   */
  private receive(message: ChatMessage, stream: { pause(): void }): void {
    this.deliver({
      seq: message.seq,
      from: message.sender,
      content: message.content,
      sentAt: message.sentAtMs,
    });
    if (!this.streamPaused && this.incoming.size >= this.maxBuffered && this.answers.size === 0) {
      this.streamPaused = true;
      stream.pause();
    }
  }

  /**
   * Opens the `Chat` stream; settles `pending` once the server attached it. A server without `Chat`
   * (UNIMPLEMENTED) gets `Subscribe` instead, and so does every later login of this client. The rest is
   * as for {@link subscribe}.
   */
  private openChat(opening: StreamOpening): void {
    const chat = opening.client.chat(opening.auth);
    // Read like Subscribe: `stream` is what `messages` pauses and resumes, and what a logout cancels.
    this.adoptStream(
      chat,
      opening,
      () => {
        if (this.stream !== chat) return;
        this.chat = chat;
        this.requestBatcher = new StreamBatcher({
          write: (requests) => chat.write(joinRequests(requests)),
          sizeOf: requestBytes,
          maxBytes: this.batchBytes,
        });
        opening.pending.resolve({ username: opening.username });
      },
      {
        unimplemented: () => {
          this.chatUnsupported = true;
          this.subscribe(opening);
        },
        ended: (reason) => this.chatEnded(chat, reason),
      },
    );
    chat.on("data", (message: ChatResponse) => {
      if (this.stream !== chat) return;
      for (const response of responsesOf(message)) {
        if (response.message) this.receive(response.message, chat);
        else this.answered(response);
      }
    });
    chat.on("drain", () => {
      if (this.chat === chat) this.requestBatcher?.drained();
    });
    // The server ended the stream with OK (it does so only after the client ended its side).
    chat.on("end", () =>
      this.chatEnded(chat, new ChatError("UNAVAILABLE", "the server ended the Chat stream")),
    );
  }

  /** Sends a request on the `Chat` stream, or holds it while the stream's buffer is full. */
  private onStream(answer: StreamAnswer, request: Omit<BatchedChatRequest, "requestId">): void {
    const chat = this.chat as ClientDuplexStream<ChatRequest, ChatResponse>;
    const requestId = this.nextRequestId++;
    this.answers.set(requestId, answer);
    // Its answer must be read, even if the consumer is behind on messages.
    if (this.streamPaused) {
      this.streamPaused = false;
      chat.resume();
    }
    this.requestBatcher?.add({ requestId, ...request });
  }

  /** Settles the request `response` answers. */
  private answered(response: BatchedChatResponse): void {
    const answer = this.answers.get(response.requestId);
    if (answer === undefined) return;
    this.answers.delete(response.requestId);
    if (response.failure) {
      answer.request.reject(
        fromGrpcStatus({ code: response.failure.code, details: response.failure.message }),
      );
    } else if (answer.kind === "send") {
      if (response.sent) answer.request.resolve(sendResult(response.sent));
      else answer.request.reject(new ChatError("INTERNAL", "the server answered a send with no result"));
    } else answer.request.resolve(undefined);
  }

  /** The `Chat` stream is over: its unanswered requests fail with `reason`. */
  private chatEnded(chat: ClientDuplexStream<ChatRequest, ChatResponse>, reason: ChatError): void {
    if (this.chat !== chat) return;
    this.chat = undefined;
    this.requestBatcher?.clear();
    this.requestBatcher = undefined;
    const waiting = [...this.answers.values()];
    this.answers.clear();
    for (const answer of waiting) answer.request.reject(reason);
  }

  /** Best-effort logout when the session must end anyway (close, a login given up or failed). */
  private async endSession(): Promise<void> {
    const client = this.client;
    if (client !== undefined) {
      const goodbye = ClientRequest.standalone<void>(GOODBYE_TIMEOUT_MS, "request");
      this.call(CHAT_SERVICE_DEFINITION.logout, {}, goodbye, () => undefined);
      try {
        await goodbye.promise;
      } catch {
        // The server is gone or the session already ended: either way there is nothing left to free.
      }
    }
    this.dropSession();
  }

  private dropSession(): void {
    this.auth = undefined;
    const stream = this.stream;
    this.stream = undefined;
    if (this.chat !== undefined) this.chatEnded(this.chat, new ChatError("UNAVAILABLE", "the session ended"));
    stream?.cancel();
  }
}

/**
 * Starts a grpc-js call without the stack trace grpc-js captures at every call it starts (`new Error()` in
 * `makeUnaryRequest`, kept to append to the error of a call that fails). `GrpcClient` never shows it: a
 * failed call becomes a `ChatError` from the server's status. Capturing it was the client's largest
 * single item in an 8-pair unary relay (about 7 % of its busy time); with `Error.stackTraceLimit` at 0 for
 * the synchronous start of the call, the capture records nothing. The limit is restored before returning,
 * whatever happens, so no other code sees it changed.
 */
function withoutCallerStack<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A `SendMessageResponse` (unary or on the stream) as core's `SendResult`. */
function sendResult(reply: SendMessageResponse): SendResult {
  return {
    seq: reply.seq,
    sentAt: reply.sentAtMs,
    delivery: reply.delivery === DeliveryMode.DELIVERY_MODE_LIVE ? "live" : "stored",
  };
}
