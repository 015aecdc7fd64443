import {
  type AccountPage,
  type AccountQuery,
  ChatClientBase,
  type ChatClientOptions,
  ChatError,
  type ClientRequest,
  type IncomingMessage,
  type LoginResult,
  type RequestOptions,
  type SendOptions,
  type SendResult,
} from "@chat/core";
import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientReadableStream,
  credentials as grpcCredentials,
  Metadata,
  type MethodDefinition,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import {
  ChatServiceClient,
  DeliveryMode,
  type ListAccountsRequest,
  type SubscribeResponse,
} from "./gen/chat/v1/chat.js";
import { clientChannelOptions, DEFAULT_GRPC_CLIENT_LIMITS, type GrpcClientLimits } from "./limits.js";
import { CHAT_SERVICE_DEFINITION } from "./service-definition.js";
import { AUTHORIZATION_KEY } from "./session-token.js";
import { fromGrpcStatus } from "./status.js";

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
  /** Transport security; default plaintext (`credentials.createInsecure()`). */
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
  private client: ChatServiceClient | undefined;
  /**
   * The session's `authorization: Bearer <token>` metadata, built once at login and sent with every call
   * (grpc-js clones it per call), instead of a new `Metadata` with its header validation on each call.
   */
  private auth: Metadata | undefined;
  private stream: ClientReadableStream<SubscribeResponse> | undefined;
  private streamPaused = false;
  private readonly maxBuffered: number;

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
    this.maxBuffered = options.maxBufferedMessages ?? DEFAULT_MAX_BUFFERED_MESSAGES;
  }

  /** The channel; the base only lets requests start while the client is open, when it exists. */
  private get channel(): ChatServiceClient {
    if (!this.client) throw new ChatError("UNAVAILABLE", "the client is not connected");
    return this.client;
  }

  /** Creates the channel and waits for it to be ready; the base bounds the wait by `connectTimeoutMs`. */
  protected openTransport(attempt: ClientRequest<void>): void {
    const host = this.options.host ?? "127.0.0.1";
    const target = host.includes(":") ? `[${host}]:${this.options.port}` : `${host}:${this.options.port}`;
    const client = new ChatServiceClient(
      target,
      this.options.credentials ?? grpcCredentials.createInsecure(),
      {
        ...clientChannelOptions({ ...DEFAULT_GRPC_CLIENT_LIMITS, ...this.options.limits }),
        ...this.options.channelOptions,
      },
    );
    this.client = client;
    client.waitForReady(Number.POSITIVE_INFINITY, (error) => {
      if (error) attempt.reject(new ChatError("UNAVAILABLE", `cannot reach the server: ${error.message}`));
      else attempt.resolve();
    });
  }

  /** @inheritDoc */
  async register(username: string, password: string, options?: RequestOptions): Promise<void> {
    await this.call(CHAT_SERVICE_DEFINITION.register, { username, password }, options);
  }

  /**
   * @inheritDoc
   * Two calls under one deadline and signal: `Login`, then `Subscribe` until the server attached it. Given
   * up after `Login` succeeded, the client logs the session out again.
   */
  login(username: string, password: string, options?: RequestOptions): Promise<LoginResult> {
    const pending = this.beginRequest<LoginResult>(options);
    if (pending.isSettled) return pending.promise;
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
        if (error) pending.reject(fromGrpcStatus(error));
        else if (reply === undefined) pending.reject(new ChatError("INTERNAL", "the server sent no reply"));
        else {
          const auth = new Metadata();
          auth.set(AUTHORIZATION_KEY, `Bearer ${reply.token}`);
          this.auth = auth;
          if (pending.isSettled) void this.endSession();
          else this.subscribe(client, auth, pending, reply.username);
        }
      },
    );
    pending.cancelWith(call);
    return pending.promise;
  }

  /** @inheritDoc */
  async logout(options?: RequestOptions): Promise<void> {
    await this.call(CHAT_SERVICE_DEFINITION.logout, {}, options);
    this.dropSession();
  }

  /** @inheritDoc */
  async deleteAccount(options?: RequestOptions): Promise<void> {
    await this.call(CHAT_SERVICE_DEFINITION.deleteAccount, {}, options);
    this.dropSession();
  }

  /** @inheritDoc */
  async listAccounts(query: AccountQuery = {}, options?: RequestOptions): Promise<AccountPage> {
    const request: ListAccountsRequest = {
      pattern: query.pattern ?? "",
      pageSize: query.pageSize,
      pageToken: query.cursor ?? "",
    };
    const reply = await this.call(CHAT_SERVICE_DEFINITION.listAccounts, request, options);
    return reply.nextPageToken === ""
      ? { usernames: reply.usernames }
      : { usernames: reply.usernames, nextCursor: reply.nextPageToken };
  }

  /** @inheritDoc */
  async send(to: string, content: string, options?: SendOptions): Promise<SendResult> {
    const id = options?.clientMessageId;
    const request = id === undefined ? { to, content } : { to, content, clientMessageId: Buffer.from(id) };
    const reply = await this.call(CHAT_SERVICE_DEFINITION.sendMessage, request, options);
    return {
      seq: reply.seq,
      sentAt: reply.sentAtMs,
      delivery: reply.delivery === DeliveryMode.DELIVERY_MODE_LIVE ? "live" : "stored",
    };
  }

  /** @inheritDoc */
  async ack(upToSeq: number, options?: RequestOptions): Promise<void> {
    await this.call(CHAT_SERVICE_DEFINITION.ack, { upToSeq }, options);
  }

  /** Logging out at `close()` frees the account at once instead of after the server's session lease. */
  protected override async beforeClose(): Promise<void> {
    if (this.auth !== undefined) await this.endSession();
  }

  protected releaseTransport(): void {
    this.dropSession();
    this.client?.close();
  }

  /** One unary call with the session's token (if any), under the base's deadline and signal. */
  private call<Request, Response>(
    method: MethodDefinition<Request, Response>,
    request: Request,
    options: RequestOptions | undefined,
  ): Promise<Response> {
    const pending = this.beginRequest<Response>(options);
    if (pending.isSettled) return pending.promise;
    // Through the generic entry point with our zero-copy serializers (see CHAT_SERVICE_DEFINITION).
    const call = this.channel.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      this.auth ?? NO_METADATA,
      NO_CALL_OPTIONS,
      (error, response) => {
        if (error) pending.reject(fromGrpcStatus(error));
        else if (response === undefined)
          pending.reject(new ChatError("INTERNAL", "the server sent no reply"));
        else pending.resolve(response);
      },
    );
    pending.cancelWith(call);
    return pending.promise;
  }

  /** Opens the Subscribe stream; settles `pending` once the server has attached it (its headers arrived). */
  private subscribe(
    client: ChatServiceClient,
    auth: Metadata,
    pending: ClientRequest<LoginResult>,
    username: string,
  ): void {
    const method = CHAT_SERVICE_DEFINITION.subscribe;
    const stream = client.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      {},
      auth,
    );
    this.stream = stream;
    this.streamPaused = false;
    // Given up before the stream is attached: the session the login opened is logged out again.
    pending.cancelWith({ cancel: () => void this.endSession() });
    let attached = false;
    stream.once("metadata", () => {
      attached = true;
      pending.resolve({ username });
    });
    stream.on("data", (response: SubscribeResponse) => {
      const message = response.message;
      if (this.stream !== stream || !message) return;
      this.incoming.push({
        seq: message.seq,
        from: message.sender,
        content: message.content,
        sentAt: message.sentAtMs,
      });
      if (!this.streamPaused && this.incoming.size >= this.maxBuffered) {
        this.streamPaused = true;
        stream.pause();
      }
    });
    stream.on("error", (error: ServiceError) => {
      const reason = fromGrpcStatus(error);
      if (!attached) {
        if (!pending.isSettled) {
          pending.reject(reason);
          void this.endSession();
        }
        return;
      }
      // Our own cancel (logout, close) is not news; anything else ends this client.
      if (this.stream !== stream || error.code === status.CANCELLED) return;
      this.stream = undefined;
      this.fail(reason);
    });
  }

  /** Best-effort logout when the session must end anyway (close, a login given up or failed). */
  private async endSession(): Promise<void> {
    try {
      await this.call(CHAT_SERVICE_DEFINITION.logout, {}, { timeoutMs: GOODBYE_TIMEOUT_MS });
    } catch {
      // The server is gone or the session already ended: either way there is nothing left to free.
    }
    this.dropSession();
  }

  private dropSession(): void {
    this.auth = undefined;
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
  }
}
