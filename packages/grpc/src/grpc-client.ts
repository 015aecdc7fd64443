import {
  type AccountPage,
  type AccountQuery,
  AsyncQueue,
  type ChatClient,
  ChatError,
  type IncomingMessage,
  type LoginResult,
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

/** Default deadline of each unary call. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
/** Default time `connect()` waits for the server. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Default number of received messages the client holds before it stops reading the stream. */
export const DEFAULT_MAX_BUFFERED_MESSAGES = 1024;

/** Options of a {@link GrpcClient}. */
export interface GrpcClientOptions {
  /** Server host; default `127.0.0.1`. */
  readonly host?: string;
  /** Server port. */
  readonly port: number;
  /** Transport security; default plaintext (`credentials.createInsecure()`). */
  readonly credentials?: ChannelCredentials;
  /** Deadline of each unary call, in milliseconds. Default {@link DEFAULT_CALL_TIMEOUT_MS}. */
  readonly callTimeoutMs?: number;
  /** How long `connect()` waits for the server, in milliseconds. Default {@link DEFAULT_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
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
 * A {@link ChatClient} over gRPC. `login` keeps the session token and opens the `Subscribe` stream that
 * feeds {@link messages}; `close` logs out, so the account is free at once. Failed calls reject with a
 * `ChatError` carrying the server's code and message.
 */
export class GrpcClient implements ChatClient {
  private readonly options: GrpcClientOptions;
  private client: ChatServiceClient | undefined;
  /**
   * The session's `authorization: Bearer <token>` metadata, built once at login and sent with every call
   * (grpc-js clones it per call), instead of a new `Metadata` with its header validation on each call.
   */
  private auth: Metadata | undefined;
  private stream: ClientReadableStream<SubscribeResponse> | undefined;
  private streamPaused = false;
  private finished = false;
  private readonly incoming = new AsyncQueue<IncomingMessage>();
  private readonly maxBuffered: number;
  private resolveClosed: (reason: ChatError | undefined) => void = () => {};

  /** @inheritDoc */
  readonly messages: AsyncIterable<IncomingMessage>;
  /** @inheritDoc */
  readonly closed: Promise<ChatError | undefined> = new Promise((resolve) => {
    this.resolveClosed = resolve;
  });

  constructor(options: GrpcClientOptions) {
    this.options = options;
    this.maxBuffered = options.maxBufferedMessages ?? DEFAULT_MAX_BUFFERED_MESSAGES;
    this.messages = {
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
  }

  private get open(): ChatServiceClient {
    if (this.finished || !this.client) throw new ChatError("UNAVAILABLE", "the client is not connected");
    return this.client;
  }

  /** @inheritDoc */
  async connect(): Promise<void> {
    if (this.finished) throw new ChatError("UNAVAILABLE", "the client was closed");
    if (!this.client) {
      const host = this.options.host ?? "127.0.0.1";
      const target = host.includes(":") ? `[${host}]:${this.options.port}` : `${host}:${this.options.port}`;
      this.client = new ChatServiceClient(
        target,
        this.options.credentials ?? grpcCredentials.createInsecure(),
        {
          ...clientChannelOptions({ ...DEFAULT_GRPC_CLIENT_LIMITS, ...this.options.limits }),
          ...this.options.channelOptions,
        },
      );
    }
    const client = this.client;
    const deadline = Date.now() + (this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    await new Promise<void>((resolve, reject) => {
      client.waitForReady(deadline, (error) => {
        if (error) reject(new ChatError("UNAVAILABLE", `cannot reach the server: ${error.message}`));
        else resolve();
      });
    });
  }

  /** @inheritDoc */
  async register(username: string, password: string): Promise<void> {
    const client = this.open;
    await this.call(client, CHAT_SERVICE_DEFINITION.register, { username, password });
  }

  /** @inheritDoc */
  async login(username: string, password: string): Promise<LoginResult> {
    const client = this.open;
    // Sent with the current token, if any: the server then answers "already logged in" itself.
    const reply = await this.call(client, CHAT_SERVICE_DEFINITION.login, { username, password });
    const auth = new Metadata();
    auth.set(AUTHORIZATION_KEY, `Bearer ${reply.token}`);
    this.auth = auth;
    try {
      await this.subscribe(client, auth);
    } catch (error) {
      await this.endSession(client);
      throw error;
    }
    return { username: reply.username };
  }

  /** @inheritDoc */
  async logout(): Promise<void> {
    const client = this.open;
    await this.call(client, CHAT_SERVICE_DEFINITION.logout, {});
    this.dropSession();
  }

  /** @inheritDoc */
  async deleteAccount(): Promise<void> {
    const client = this.open;
    await this.call(client, CHAT_SERVICE_DEFINITION.deleteAccount, {});
    this.dropSession();
  }

  /** @inheritDoc */
  async listAccounts(query: AccountQuery = {}): Promise<AccountPage> {
    const client = this.open;
    const request: ListAccountsRequest = {
      pattern: query.pattern ?? "",
      pageSize: query.pageSize,
      pageToken: query.cursor ?? "",
    };
    const reply = await this.call(client, CHAT_SERVICE_DEFINITION.listAccounts, request);
    return reply.nextPageToken === ""
      ? { usernames: reply.usernames }
      : { usernames: reply.usernames, nextCursor: reply.nextPageToken };
  }

  /** @inheritDoc */
  async send(to: string, content: string, options?: SendOptions): Promise<SendResult> {
    const client = this.open;
    const id = options?.clientMessageId;
    const request = id === undefined ? { to, content } : { to, content, clientMessageId: Buffer.from(id) };
    const reply = await this.call(client, CHAT_SERVICE_DEFINITION.sendMessage, request);
    return {
      seq: reply.seq,
      sentAt: reply.sentAtMs,
      delivery: reply.delivery === DeliveryMode.DELIVERY_MODE_LIVE ? "live" : "stored",
    };
  }

  /** @inheritDoc */
  async ack(upToSeq: number): Promise<void> {
    const client = this.open;
    await this.call(client, CHAT_SERVICE_DEFINITION.ack, { upToSeq });
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    if (this.finished) return;
    const client = this.client;
    // Logging out frees the account at once instead of after the server's idle timeout.
    if (client && this.auth !== undefined) await this.endSession(client);
    this.finish(undefined);
  }

  /** One unary call with the session's token (if any) and the call deadline. */
  private call<Request, Response>(
    client: ChatServiceClient,
    method: MethodDefinition<Request, Response>,
    request: Request,
    timeoutMs = this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
  ): Promise<Response> {
    const options: Partial<CallOptions> = { deadline: Date.now() + timeoutMs };
    return new Promise((resolve, reject) => {
      // Through the generic entry point with our zero-copy serializers (see CHAT_SERVICE_DEFINITION).
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        this.auth ?? NO_METADATA,
        options,
        (error, response) => {
          if (error) reject(fromGrpcStatus(error));
          else if (response === undefined) reject(new ChatError("INTERNAL", "the server sent no reply"));
          else resolve(response);
        },
      );
    });
  }

  /** Opens the Subscribe stream; resolves once the server has attached it (its headers arrived). */
  private subscribe(client: ChatServiceClient, auth: Metadata): Promise<void> {
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
    return new Promise((resolve, reject) => {
      let attached = false;
      stream.once("metadata", () => {
        attached = true;
        resolve();
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
          reject(reason);
          return;
        }
        // Our own cancel (logout, close) is not news; anything else ends this client.
        if (this.stream !== stream || error.code === status.CANCELLED) return;
        this.stream = undefined;
        this.finish(reason);
      });
    });
  }

  /** Best-effort logout when the session must end anyway (close, a failed subscribe). */
  private async endSession(client: ChatServiceClient): Promise<void> {
    try {
      await this.call(client, CHAT_SERVICE_DEFINITION.logout, {}, 2000);
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

  private finish(reason: ChatError | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.dropSession();
    this.client?.close();
    this.incoming.end();
    this.resolveClosed(reason);
  }
}
