import {
  type AccountQuery,
  type ChatConnection,
  ChatError,
  type ChatService,
  type IncomingMessage,
  type ServerLogger,
  type ServerTlsOptions,
  silentLogger,
} from "@chat/core";
import {
  ConnectionLimiter,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_LEASE_RENEWAL_LIMIT_MS,
  DEFAULT_SESSION_LEASE_MS,
  GracefulClose,
  reportFailure,
  serverShuttingDown,
} from "@chat/core/adapter";
import {
  type handleUnaryCall,
  Metadata,
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from "@grpc/grpc-js";
import { callConnection, peerAddressOf } from "./call-connection.js";
import { type CallGuardCounts, callGuard } from "./call-guard.js";
import { batchBudget, joinResponses, responseBytes } from "./chat-batch.js";
import { ChatCall, sendMessageResponse } from "./chat-call.js";
import { ConnectionGuard } from "./connection-guard.js";
import type {
  ChatRequest,
  ChatResponse,
  ChatServiceServer,
  ListAccountsRequest,
  LoginRequest,
  LoginResponse,
  SubscribeRequest,
  SubscribeResponse,
} from "./gen/chat/v1/chat.js";
import type { GrpcSession } from "./grpc-session.js";
import { ChatHealth } from "./health.js";
import { onHttp2ServerCreated } from "./http2-server-hook.js";
import { DEFAULT_GRPC_SERVER_LIMITS, type GrpcServerLimits, serverChannelOptions } from "./limits.js";
import { addReflection } from "./reflection.js";
import { refusalOf } from "./request-refusal.js";
import { requestLimitedChatService } from "./request-size-limit.js";
import { SessionTable } from "./session-table.js";
import { type GrpcStatus, toGrpcStatus } from "./status.js";
import {
  chatDelivery,
  type DeliveryCall,
  type ResponseBatching,
  SubscribeStream,
  subscribeResponse,
} from "./subscribe-stream.js";
import { serverTlsCredentials } from "./tls-credentials.js";

/**
 * Default time a session may sit with no `Subscribe` stream and no call before it expires: core's session
 * lease (`DEFAULT_SESSION_LEASE_MS` of `@chat/core/adapter`), the same on every transport.
 */
export const DEFAULT_SESSION_IDLE_TIMEOUT_MS = DEFAULT_SESSION_LEASE_MS;
/**
 * Default time unary calls alone can keep a session that has no `Subscribe`/`Chat` stream: core's lease
 * renewal limit (`DEFAULT_LEASE_RENEWAL_LIMIT_MS`), counted from the login or from the end of its last
 * stream. Past it the session expires however often it calls, so it cannot block its account for ever.
 */
export const DEFAULT_SESSION_RENEWAL_LIMIT_MS = DEFAULT_LEASE_RENEWAL_LIMIT_MS;
/** Default time a `Subscribe` stream may stay full before it is ended with `RESOURCE_EXHAUSTED` (core's). */
export { DEFAULT_DRAIN_TIMEOUT_MS };
/** Default time `close()` waits for calls in progress before cutting connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
/**
 * The port `listen()` binds when given none: the one `chat-cli serve` and `chat-cli connect` use, next to
 * the wire protocol's 5000 (not grpc-js's conventional 50051, so there is one default per transport).
 */
export const DEFAULT_GRPC_PORT = 5001;

/** Options of a {@link GrpcServer}. */
export interface GrpcServerOptions {
  /** Where connections, logins and errors are logged (never passwords, tokens or contents). Default silent. */
  readonly logger?: ServerLogger;
  /**
   * A session with no open `Subscribe` stream and no call for this long expires, so a crashed client does
   * not keep its account logged in. Default {@link DEFAULT_SESSION_IDLE_TIMEOUT_MS}.
   */
  readonly sessionIdleTimeoutMs?: number;
  /**
   * Calls renew the idle timeout of a session with no open stream only this long after its login or its
   * last stream's end; then it expires. An open stream holds a session indefinitely. Default
   * {@link DEFAULT_SESSION_RENEWAL_LIMIT_MS}.
   */
  readonly sessionRenewalLimitMs?: number;
  /** How long a full `Subscribe` stream may stay full. Default {@link DEFAULT_DRAIN_TIMEOUT_MS}. */
  readonly drainTimeoutMs?: number;
  /** How long `close()` waits for calls in progress. Default {@link DEFAULT_SHUTDOWN_TIMEOUT_MS}. */
  readonly shutdownTimeoutMs?: number;
  /** Transport limits; each one missing takes its value from `DEFAULT_GRPC_SERVER_LIMITS`. */
  readonly limits?: Partial<GrpcServerLimits>;
  /**
   * Serve TLS (HTTP/2 over TLS, as every gRPC client speaks it) with core's settings, shared with the wire
   * server: the certificate and key, and a `ca` to require client certificates. TLS 1.2 minimum. Default
   * plaintext. Give `tls` or `credentials`, not both.
   */
  readonly tls?: ServerTlsOptions;
  /**
   * grpc-js credentials, for what `tls` does not cover (e.g. a certificate provider that reloads).
   * Default plaintext (`ServerCredentials.createInsecure()`), e.g. behind a TLS-terminating proxy.
   */
  readonly credentials?: ServerCredentials;
  /** Whether to register gRPC server reflection. Default true. */
  readonly reflection?: boolean;
  /** Whether to serve the gRPC health checking protocol (`grpc.health.v1.Health`). Default true. */
  readonly health?: boolean;
}

/** Where {@link GrpcServer.listen} binds. */
export interface GrpcListenOptions {
  /** Interface address; default `127.0.0.1` (pass `0.0.0.0` or `::` to serve other hosts). */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default {@link DEFAULT_GRPC_PORT}. */
  readonly port?: number;
}

/** A snapshot of what a {@link GrpcServer}'s connection and call limits have done. */
export interface GrpcServerStats {
  /** Open client connections. */
  readonly connections: number;
  /** Connections refused (server full, or too many from one address). */
  readonly refusedConnections: number;
  /** Connections closed for sending no HTTP/2 preface in time. */
  readonly silentConnectionsClosed: number;
  /** Calls ended with `DEADLINE_EXCEEDED` because their request did not arrive in time. */
  readonly requestTimeouts: number;
  /** Calls refused for carrying more than one `authorization` header. */
  readonly repeatedAuthorizationRefused: number;
  /** Logged-in gRPC sessions. */
  readonly sessions: number;
}

/** The address a {@link GrpcServer} is listening on. */
export interface GrpcAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * `chat.v1.ChatService` over gRPC in front of a {@link ChatService}. Each `Login` gets its own
 * `ChatConnection` behind a random bearer token; the handlers only translate requests into calls on that
 * connection and `ChatError`s into statuses, so every domain rule stays in core.
 */
export class GrpcServer {
  private readonly server: Server;
  private readonly logger: ServerLogger;
  private readonly sessions: SessionTable;
  private readonly drainTimeoutMs: number;
  /** How `Chat` streams join the responses ready at once (within the send limit). */
  private readonly chatBatching: ResponseBatching<ChatResponse>;
  private readonly credentials: ServerCredentials;
  /** Whether the listener speaks TLS (`tls` or secure `credentials`). */
  readonly secure: boolean;
  private readonly health: ChatHealth | undefined;
  private readonly closer: GracefulClose;
  private readonly connectionGuard: ConnectionGuard;
  private readonly callCounts: CallGuardCounts = { requestTimeouts: 0, repeatedAuthorization: 0 };

  constructor(
    private readonly service: ChatService,
    options: GrpcServerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.closer = new GracefulClose({
      timeoutMs: options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      graceful: () => this.stopGracefully(),
      force: () => this.server.forceShutdown(),
      finish: () => this.logger.info({}, "grpc server stopped"),
    });
    this.sessions = new SessionTable({
      leaseMs: options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS,
      renewalLimitMs: options.sessionRenewalLimitMs ?? DEFAULT_SESSION_RENEWAL_LIMIT_MS,
      logger: this.logger,
    });
    const limits: GrpcServerLimits = { ...DEFAULT_GRPC_SERVER_LIMITS, ...options.limits };
    this.chatBatching = {
      join: joinResponses,
      sizeOf: responseBytes,
      maxBytes: batchBudget(limits.maxSendMessageBytes),
    };
    this.connectionGuard = new ConnectionGuard({
      limiter: new ConnectionLimiter({
        maxConnections: limits.maxConnections,
        maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
      }),
      prefaceTimeoutMs: limits.prefaceTimeoutMs,
      logger: this.logger,
    });
    this.server = new Server({
      ...serverChannelOptions(limits),
      interceptors: [callGuard(limits.requestTimeoutMs, this.callCounts)],
    });
    onHttp2ServerCreated(this.server, (http2Server) => this.connectionGuard.attach(http2Server));
    this.server.addService(requestLimitedChatService(limits.maxReceiveMessageBytes), this.handlers());
    if (options.reflection ?? true) addReflection(this.server);
    if (options.health ?? true) {
      this.health = new ChatHealth();
      this.health.addTo(this.server);
    }
    if (options.tls !== undefined && options.credentials !== undefined) {
      throw new TypeError("GrpcServer: give tls or credentials, not both");
    }
    this.credentials =
      options.tls === undefined
        ? (options.credentials ?? ServerCredentials.createInsecure())
        : serverTlsCredentials(options.tls);
    this.secure = this.credentials._isSecure();
  }

  /** How many gRPC sessions are logged in. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** What the connection and call limits have done so far. */
  stats(): GrpcServerStats {
    return {
      connections: this.connectionGuard.connections,
      refusedConnections: this.connectionGuard.counts.refused,
      silentConnectionsClosed: this.connectionGuard.counts.silentClosed,
      requestTimeouts: this.callCounts.requestTimeouts,
      repeatedAuthorizationRefused: this.callCounts.repeatedAuthorization,
      sessions: this.sessions.size,
    };
  }

  /** Starts listening. Resolves with the bound address (the real port when 0 was asked for). */
  listen(options: GrpcListenOptions = {}): Promise<GrpcAddress> {
    const host = options.host ?? "127.0.0.1";
    const port = options.port ?? DEFAULT_GRPC_PORT;
    const target = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(target, this.credentials, (error, boundPort) => {
        if (error) {
          reject(error);
          return;
        }
        this.logger.info({ host, port: boundPort, tls: this.secure }, "grpc server listening");
        resolve({ host, port: boundPort });
      });
    });
  }

  /**
   * Stops gracefully: every session ends (its `Subscribe` stream with `UNAVAILABLE`; unacknowledged messages
   * stay stored), calls in progress get `shutdownTimeoutMs` to finish, then connections are cut. The
   * `ChatService` stays open for its owner. Safe to call more than once.
   */
  close(): Promise<void> {
    return this.closer.close();
  }

  private stopGracefully(): Promise<void> {
    this.health?.shuttingDown();
    this.sessions.closeAll(toGrpcStatus(serverShuttingDown()));
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }

  /**
   * Runs a call that needs no session (register, list) on a `ChatConnection` of its own, from the call's
   * peer address and closed when the call is cancelled (so its queued hash is skipped) or done. Such a
   * call is its own connection: per-address limits are what bound many of them.
   */
  private async anonymously<T>(
    call: ServerUnaryCall<unknown, unknown>,
    work: (connection: ChatConnection) => Promise<T>,
  ): Promise<T> {
    if (this.closer.started) throw serverShuttingDown();
    const { connection } = callConnection(this.service, call);
    try {
      return await work(connection);
    } finally {
      connection.close();
    }
  }

  private failure(method: string, error: unknown): GrpcStatus {
    return toGrpcStatus(reportFailure(error, this.logger, { method }, "grpc call failed"));
  }

  /** A unary handler from an async function; its `ChatError`s become statuses here and nowhere else. */
  private unary<Request, Response>(
    method: string,
    handle: (request: Request, call: ServerUnaryCall<Request, Response>) => Promise<Response>,
  ): handleUnaryCall<Request, Response> {
    return (call, callback) => {
      const refusal = refusalOf(call.request);
      if (refusal) {
        callback(this.failure(method, refusal));
        return;
      }
      handle(call.request, call).then(
        (response) => callback(null, response),
        (error: unknown) => callback(this.failure(method, error)),
      );
    };
  }

  /** A unary handler that needs the session named by the call's bearer token. */
  private withSession<Request, Response>(
    method: string,
    handle: (session: GrpcSession, request: Request) => Promise<Response>,
  ): handleUnaryCall<Request, Response> {
    // Written out rather than built on `unary`: the hot calls (SendMessage, Ack) then cost one promise, not
    // three nested async layers.
    return (call, callback) => {
      let session: GrpcSession;
      try {
        const refusal = refusalOf(call.request);
        if (refusal) throw refusal;
        session = this.sessions.authenticate(call.metadata);
      } catch (error) {
        callback(this.failure(method, error));
        return;
      }
      session.callStarted();
      handle(session, call.request).then(
        (response) => {
          session.callEnded();
          callback(null, response);
        },
        (error: unknown) => {
          session.callEnded();
          callback(this.failure(method, error));
        },
      );
    };
  }

  private handlers(): ChatServiceServer {
    return {
      register: this.unary("Register", async (request, call) => {
        await this.anonymously(call, (connection) => connection.register(request.username, request.password));
        return {};
      }),

      login: this.unary("Login", (request, call) => this.login(request, call)),

      logout: this.withSession("Logout", async (session) => {
        await session.connection.logout();
        this.sessions.end(session, "logout");
        return {};
      }),

      deleteAccount: this.withSession("DeleteAccount", async (session) => {
        await session.connection.deleteAccount();
        this.sessions.end(session, "account deleted");
        return {};
      }),

      listAccounts: this.unary("ListAccounts", async (request, call) => {
        // Needs no session, but a session's listing still counts as activity against its idle expiry, and
        // against its connection's listing rate.
        const session = this.sessions.find(call.metadata);
        const list = (connection: ChatConnection) => connection.listAccounts(accountQuery(request));
        session?.callStarted();
        try {
          const page = session ? await list(session.connection) : await this.anonymously(call, list);
          return { usernames: page.usernames, nextPageToken: page.nextCursor ?? "" };
        } finally {
          session?.callEnded();
        }
      }),

      // The hot calls chain on core's promise instead of awaiting it in an async function, which would add
      // a promise and a turn of the microtask queue to every call.
      sendMessage: this.withSession("SendMessage", (session, request) =>
        session.connection
          .send(request.to, request.content, request.clientMessageId)
          .then(sendMessageResponse),
      ),

      ack: this.withSession("Ack", (session, request) =>
        session.connection.ack(request.upToSeq).then(emptyResponse),
      ),

      subscribe: (call) => this.subscribe(call),

      chat: (call) => this.chat(call),
    };
  }

  private async login(
    request: LoginRequest,
    call: ServerUnaryCall<LoginRequest, LoginResponse>,
  ): Promise<LoginResponse> {
    // A client that already holds a session gets core's refusal ("one session per connection",
    // FAILED_PRECONDITION), not a rule of ours.
    const refusal = this.sessions.find(call.metadata)?.connection.loginRefusal();
    if (refusal) throw refusal;
    if (this.closer.started) throw serverShuttingDown();
    const { connection, keep } = callConnection(this.service, call);
    let username: string;
    try {
      ({ username } = await connection.login(request.username, request.password));
    } catch (error) {
      connection.close();
      throw error;
    }
    keep();
    if (call.cancelled) {
      // Nobody will ever learn the token: end the session now instead of letting it block the account.
      connection.close();
      this.logger.info({ username, peer: call.getPeer() }, "grpc login cancelled by the client");
      throw new ChatError("UNAVAILABLE", "the call was cancelled");
    }
    const token = this.sessions.open(connection, username);
    this.logger.info({ username, peer: call.getPeer(), address: peerAddressOf(call) }, "grpc login");
    return { username, token };
  }

  private subscribe(call: ServerWritableStream<SubscribeRequest, SubscribeResponse>): void {
    // SubscribeRequest has no string field today; checked anyway, so one added later is covered.
    const refusal = refusalOf(call.request);
    if (refusal) {
      call.emit("error", this.failure("Subscribe", refusal));
      return;
    }
    this.openDeliveryStream("Subscribe", call, subscribeResponse);
  }

  /** `Chat`: a Subscribe stream that also takes the session's sends and acks (see {@link ChatCall}). */
  private chat(call: ServerDuplexStream<ChatRequest, ChatResponse>): void {
    const opened = this.openDeliveryStream("Chat", call, chatDelivery, this.chatBatching);
    if (opened) new ChatCall(call, opened.stream, opened.session, (error) => this.failure("Chat", error));
  }

  /**
   * Makes `call` the delivery stream of the session its token names. Returns the stream and its session, or
   * `undefined` when the call was refused (it has ended with the status then).
   */
  private openDeliveryStream<Response>(
    method: string,
    call: DeliveryCall<Response>,
    toResponse: (message: IncomingMessage) => Response,
    batching?: ResponseBatching<Response>,
  ): { stream: SubscribeStream<Response>; session: GrpcSession } | undefined {
    let session: GrpcSession;
    try {
      session = this.sessions.authenticate(call.metadata);
    } catch (error) {
      call.emit("error", this.failure(method, error));
      return undefined;
    }
    const stream = new SubscribeStream(
      call,
      {
        ended: (ended, sessionEnded) => {
          session.streamEnded(ended, sessionEnded);
          this.logger.debug(
            { username: session.username, peer: call.getPeer(), method },
            "grpc stream ended",
          );
        },
      },
      {
        connection: session.connection,
        drainTimeoutMs: this.drainTimeoutMs,
        logger: this.logger,
        username: session.username,
        toResponse,
        ...(batching === undefined ? {} : { batching }),
      },
    );
    try {
      session.subscribe(stream);
    } catch (error) {
      stream.end(this.failure(method, error));
      return undefined;
    }
    // Headers tell the client the sink is attached: from now on, sends to this account are live.
    call.sendMetadata(new Metadata());
    this.logger.debug({ username: session.username, peer: call.getPeer(), method }, "grpc stream started");
    return { stream, session };
  }
}

/** The answer of a call that returns nothing (`AckResponse`). */
function emptyResponse(): Record<string, never> {
  return {};
}

/** Turns a `ListAccountsRequest` into core's query; proto3's empty strings mean "not given". */
function accountQuery(request: ListAccountsRequest): AccountQuery {
  return {
    ...(request.pattern === "" ? {} : { pattern: request.pattern }),
    ...(request.pageSize === undefined ? {} : { pageSize: request.pageSize }),
    ...(request.pageToken === "" ? {} : { cursor: request.pageToken }),
  };
}
