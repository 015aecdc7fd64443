import type { AccountPage, AccountQuery } from "./account-page.js";
import { AsyncQueue } from "./async-queue.js";
import type { ChatClient } from "./chat-client.js";
import {
  type ChatClientOptions,
  type ClientState,
  checkedTimeout,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  GENERATED_CLIENT_MESSAGE_ID_BYTES,
  NO_TIMEOUT,
  type RequestOptions,
  type SendOptions,
} from "./chat-client-options.js";
import type { LoginResult } from "./chat-connection.js";
import { ChatError } from "./chat-error.js";
import { ClientRequest, type RequestPurpose } from "./client-request.js";
import { type ClientStatus, StatusHub } from "./client-status.js";
import type { IncomingMessage, SendResult } from "./delivery.js";
import { InFlightRequests } from "./in-flight-requests.js";
import { randomBytes } from "./node-crypto.js";
import { type ReconnectPolicy, reconnectDelay, reconnectPolicy } from "./reconnect-policy.js";

function ignore(): void {}

function optionTimeout(value: number | undefined, fallback: number, name: string): number {
  const timeout = checkedTimeout(value ?? fallback);
  if (timeout === undefined) throw new RangeError(`${name} must be 0 (no limit) or a positive number of ms`);
  return timeout;
}

/** The error of every request made after the client ended, and of those in flight at `close()`. */
function closedError(): ChatError {
  return new ChatError("UNAVAILABLE", "the client was closed");
}

function notConnectedError(): ChatError {
  return new ChatError("UNAVAILABLE", "the client is not connected");
}

/** The error of a call that cannot be repeated safely and was on the wire when the connection was lost. */
function lostAnswerError(reason: ChatError): ChatError {
  return new ChatError(
    "UNAVAILABLE",
    `the connection was lost before the answer (${reason.message}); the request may or may not have taken effect`,
    { cause: reason },
  );
}

function connectError(error: unknown): ChatError {
  return error instanceof ChatError
    ? error
    : new ChatError("UNAVAILABLE", `cannot connect: ${String(error)}`, { cause: error });
}

/** The account a reconnecting client logs in as again: all it keeps, in memory only, while logged in. */
interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * What a call does when the connection is lost before its answer: `once` fails (repeating it is not safe:
 * register, login, logout, deleteAccount); `send` stays in the outbox and is resent with its client
 * message id; `ack` waits until the new connection has delivered that far again; `read` is simply repeated.
 */
type CallKind = "once" | "send" | "ack" | "read";

/**
 * One call of a client that reconnects. The application's request (its deadline and signal) lives across
 * connections; each connection gets its own `attempt`, which the transport settles.
 */
class RetriedCall<T> {
  attempt: ClientRequest<T> | undefined;

  constructor(
    readonly kind: CallKind,
    readonly request: ClientRequest<T>,
    readonly start: (attempt: ClientRequest<T>) => void,
    /** Called with the answer before the application sees it. */
    readonly onAnswer: (value: T) => void,
    /** Called when the application's request is given up (deadline, signal, close). */
    readonly onGivenUp: (call: RetriedCall<T>) => void,
    /** For an `ack`: the sequence number acknowledged. */
    readonly seq = 0,
  ) {}

  /** The application's request was given up: stop the transport work (`Cancellable`). */
  cancel(): void {
    const attempt = this.attempt;
    this.attempt = undefined;
    attempt?.abandon(closedError());
    this.onGivenUp(this);
  }
}

/** A `send` as the base hands it to its transport. */
export interface OutgoingSend {
  readonly to: string;
  readonly content: string;
  /** The client message id: the caller's, or one the base picked for a send it may repeat after a reconnect. */
  readonly clientMessageId: Uint8Array | undefined;
}

/**
 * The life of a {@link ChatClient}, written once for every transport: its {@link ClientState}, `connect()`
 * once with its timeout, `close()` once, the `closed` promise, the queue behind `messages`, every request's
 * deadline and `AbortSignal`, and, when `reconnect` is on, reconnecting with backoff, logging in again,
 * resuming delivery without repeats and resending unanswered sends.
 *
 * A transport supplies how to open and release its connection and how to carry each call on it (the
 * `carry…` methods, each given a {@link ClientRequest} to settle with the answer); it hands every incoming
 * message to {@link deliver}, reports a lost connection with {@link connectionLost} and a fatal problem
 * with {@link fail}.
 */
export abstract class ChatClientBase implements ChatClient {
  /** Incoming messages; {@link deliver} pushes, `messages` takes. Ended when the client ends. */
  protected readonly incoming = new AsyncQueue<IncomingMessage>();
  /** @inheritDoc */
  readonly messages: AsyncIterable<IncomingMessage> = this.incoming;
  /** @inheritDoc */
  readonly closed: Promise<ChatError | undefined>;
  /** The deadline of a request whose call names none; `NO_TIMEOUT` for none. */
  protected readonly requestTimeoutMs: number;
  /** The limit on `connect()`; `NO_TIMEOUT` for none. */
  protected readonly connectTimeoutMs: number;
  private readonly policy: ReconnectPolicy | undefined;
  private readonly statusHub = new StatusHub();
  private lifecycle: ClientState = "new";
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private ending: Promise<void> | undefined;
  /** The application's requests in flight, with their deadlines (on one timer for the client). */
  private readonly inFlight = new InFlightRequests<ClientRequest<unknown>>();
  private resolveClosed: (reason: ChatError | undefined) => void = ignore;

  // Reconnecting (only used when `reconnect` is on).
  /** Transport work done for the base on the current connection: connect, log in again, calls' attempts. */
  private readonly attempts = new InFlightRequests<ClientRequest<unknown>>();
  /** The connect or log-in-again step under way, failed at once when the connection is lost meanwhile. */
  private step: ClientRequest<unknown> | undefined;
  private credentials: Credentials | undefined;
  private readonly running = new Set<RetriedCall<unknown>>();
  /** Sends not answered yet, in the order they were made. */
  private readonly outbox = new Set<RetriedCall<SendResult>>();
  /** Acknowledgements waiting for the connection to have delivered their message again. */
  private readonly parkedAcks = new Set<RetriedCall<void>>();
  /** Calls made while reconnecting, to start once the connection is back. */
  private waiting: RetriedCall<unknown>[] = [];
  private lostAt = 0;
  private wakeReconnect: (() => void) | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  // Delivery bookkeeping, kept across connections and reset by the application's own login.
  /** Highest seq handed to `messages`: anything at or below it again is a redelivery and dropped. */
  private handedOutUpTo = 0;
  /** Highest seq the server has confirmed as acknowledged (or shown to be gone). */
  private acknowledgedUpTo = 0;
  /** Highest seq delivered on the current connection, repeats included. */
  private deliveredOnConnection = 0;

  /** Throws a `RangeError` for a timeout or reconnect setting out of range. */
  constructor(options: ChatClientOptions = {}) {
    this.requestTimeoutMs = optionTimeout(
      options.requestTimeoutMs,
      DEFAULT_REQUEST_TIMEOUT_MS,
      "requestTimeoutMs",
    );
    this.connectTimeoutMs = optionTimeout(
      options.connectTimeoutMs,
      DEFAULT_CONNECT_TIMEOUT_MS,
      "connectTimeoutMs",
    );
    this.policy = reconnectPolicy(options.reconnect);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** @inheritDoc */
  get state(): ClientState {
    return this.lifecycle;
  }

  /** Whether the client reconnects after a lost connection (its `reconnect` option is on). */
  protected get reconnects(): boolean {
    return this.policy !== undefined;
  }

  /** @inheritDoc */
  get outboxSize(): number {
    return this.outbox.size;
  }

  /** @inheritDoc */
  status(): AsyncIterable<ClientStatus> {
    return this.statusHub.subscribe();
  }

  /** @inheritDoc */
  connect(options?: RequestOptions): Promise<void> {
    if (this.lifecycle === "open" || this.lifecycle === "reconnecting") return Promise.resolve();
    if (this.lifecycle === "closed") return Promise.reject(closedError());
    this.connecting ??= this.connectOnce(options);
    return this.connecting;
  }

  /** @inheritDoc */
  close(): Promise<void> {
    this.closing ??= this.closeGracefully();
    return this.closing;
  }

  /** @inheritDoc */
  register(username: string, password: string, options?: RequestOptions): Promise<void> {
    return this.dispatch<void>(options, "once", (request) => this.carryRegister(username, password, request));
  }

  /** @inheritDoc */
  login(username: string, password: string, options?: RequestOptions): Promise<LoginResult> {
    return this.dispatch<LoginResult>(
      options,
      "once",
      (request) => {
        // A new login starts a new stream of messages: what the last session handed out may come again.
        this.handedOutUpTo = 0;
        this.acknowledgedUpTo = 0;
        this.deliveredOnConnection = 0;
        this.carryLogin(username, password, request);
      },
      (result) => {
        if (this.policy) this.credentials = { username: result.username, password };
      },
    );
  }

  /** @inheritDoc */
  logout(options?: RequestOptions): Promise<void> {
    this.credentials = undefined;
    return this.dispatch<void>(options, "once", (request) => this.carryLogout(request));
  }

  /** @inheritDoc */
  deleteAccount(options?: RequestOptions): Promise<void> {
    this.credentials = undefined;
    return this.dispatch<void>(options, "once", (request) => this.carryDeleteAccount(request));
  }

  /** @inheritDoc */
  listAccounts(query: AccountQuery = {}, options?: RequestOptions): Promise<AccountPage> {
    return this.dispatch<AccountPage>(options, "read", (request) => this.carryListAccounts(query, request));
  }

  /** @inheritDoc */
  send(to: string, content: string, options?: SendOptions): Promise<SendResult> {
    const given = options?.clientMessageId;
    if (this.policy === undefined) {
      // The hot path of a client that does not reconnect: no closure, straight to the transport.
      const request = this.direct<SendResult>(options);
      if (!request.isSettled) this.carrySend({ to, content, clientMessageId: given }, request);
      return request.promise;
    }
    const id = given ?? randomBytes(GENERATED_CLIENT_MESSAGE_ID_BYTES);
    return this.dispatch<SendResult>(options, "send", (request) =>
      this.carrySend({ to, content, clientMessageId: id }, request),
    );
  }

  /** @inheritDoc */
  ack(upToSeq: number, options?: RequestOptions): Promise<void> {
    if (this.policy === undefined) {
      const request = this.direct<void>(options);
      if (!request.isSettled) this.carryAck(upToSeq, request);
      return request.promise;
    }
    return this.dispatch<void>(
      options,
      "ack",
      (request) => this.carryAck(upToSeq, request),
      () => this.acknowledged(upToSeq),
      upToSeq,
    );
  }

  /**
   * Opens the transport's connection and settles `attempt` once requests can be sent (or with why not).
   * The base applies the connect timeout and signal. When the first connect fails the client ends and
   * {@link releaseTransport} frees whatever was opened; when a reconnect attempt fails,
   * {@link dropTransport} does.
   */
  protected abstract openTransport(attempt: ClientRequest<void>): void;

  /**
   * Frees the transport, once, when the client ends: gracefully after `close()` (`reason` undefined),
   * at once otherwise. Requests in flight have already been rejected and `messages` ended; `closed`
   * settles when this returns (or its promise settles).
   */
  protected abstract releaseTransport(reason: ChatError | undefined): Promise<void> | void;

  /**
   * Frees the current connection at once after it was lost or a reconnect attempt failed, before the base
   * opens another with {@link openTransport}. Nothing of the dead connection may reach the base afterwards
   * (no message, no answer, no loss). What the transport needs to resume the session (a token) may stay.
   */
  protected abstract dropTransport(): void;

  /** Runs at `close()` while the client is still open, before it ends: a transport's goodbye (logout). */
  protected beforeClose(): Promise<void> | void {}

  /** Carries `register`. */
  protected abstract carryRegister(username: string, password: string, request: ClientRequest<void>): void;
  /** Carries `login`; settles once delivery is attached (messages may arrive through {@link deliver}). */
  protected abstract carryLogin(
    username: string,
    password: string,
    request: ClientRequest<LoginResult>,
  ): void;
  /**
   * Gets the session back after a reconnect: logs in again and attaches delivery. A transport whose
   * sessions outlive connections (gRPC's token) may resume the session instead. Refusals keep the
   * server's code: `UNAUTHENTICATED` (the account is gone or its password changed) and
   * `FAILED_PRECONDITION` (logged in elsewhere) stop the reconnecting.
   */
  protected carryResume(username: string, password: string, request: ClientRequest<LoginResult>): void {
    this.carryLogin(username, password, request);
  }
  /** Carries `logout`. */
  protected abstract carryLogout(request: ClientRequest<void>): void;
  /** Carries `deleteAccount`. */
  protected abstract carryDeleteAccount(request: ClientRequest<void>): void;
  /** Carries `listAccounts`. */
  protected abstract carryListAccounts(query: AccountQuery, request: ClientRequest<AccountPage>): void;
  /** Carries `send`, with the client message id when there is one. */
  protected abstract carrySend(send: OutgoingSend, request: ClientRequest<SendResult>): void;
  /** Carries `ack`. */
  protected abstract carryAck(upToSeq: number, request: ClientRequest<void>): void;

  /**
   * A message arrived on the current connection. The base hands it to `messages` unless it already
   * handed that seq out (a redelivery after a reconnect or a new subscribe), and reports a gap in the
   * sequence as a `delivery-gap` status.
   */
  protected deliver(message: IncomingMessage): void {
    const seq = message.seq;
    const firstOnConnection = this.deliveredOnConnection === 0;
    if (seq > this.deliveredOnConnection) this.deliveredOnConnection = seq;
    if (seq > this.handedOutUpTo) {
      if (this.handedOutUpTo > 0 && seq !== this.handedOutUpTo + 1) {
        this.statusHub.emit({ type: "delivery-gap", expectedSeq: this.handedOutUpTo + 1, receivedSeq: seq });
      }
      this.handedOutUpTo = seq;
      this.incoming.push(message);
    }
    if (this.parkedAcks.size === 0) return;
    // The server redelivers everything not yet acknowledged, oldest first: whatever lies below the first
    // message of a connection is gone from the store, so an acknowledgement waiting for it is done.
    if (firstOnConnection) this.acknowledged(seq - 1);
    for (const call of [...this.parkedAcks]) this.startAck(call);
  }

  /**
   * The connection is gone (the socket closed, the server stopped answering, it said goodbye). A client
   * that reconnects starts doing so; one that does not ends with `reason`, as does a first `connect()`.
   */
  protected connectionLost(reason: ChatError): void {
    switch (this.lifecycle) {
      case "open":
        if (this.policy === undefined) this.fail(reason);
        else this.startReconnecting(reason);
        return;
      case "connecting":
      case "reconnecting":
        this.step?.abandon(reason);
        return;
      default:
        return;
    }
  }

  /** The client cannot go on (a protocol error, a server it cannot use): it ends with `reason`. */
  protected fail(reason: ChatError): void {
    void this.end(reason, reason);
  }

  private track<T>(
    options: RequestOptions | undefined,
    defaultTimeoutMs: number,
    purpose: RequestPurpose,
  ): ClientRequest<T> {
    const given = options?.timeoutMs;
    const timeoutMs = given === undefined ? defaultTimeoutMs : checkedTimeout(given);
    const request = new ClientRequest<T>(
      this.inFlight,
      timeoutMs ?? defaultTimeoutMs,
      purpose,
      options?.signal,
    );
    if (timeoutMs === undefined) {
      request.reject(
        new ChatError("INVALID_ARGUMENT", "timeoutMs must be 0 (no deadline) or a positive number of ms"),
      );
    }
    return request;
  }

  /**
   * The request of a call on a client that does not reconnect: there is one connection, and the transport
   * settles the caller's request itself. Already rejected when the client is not open.
   */
  private direct<T>(options: RequestOptions | undefined): ClientRequest<T> {
    const request = this.track<T>(options, this.requestTimeoutMs, "request");
    if (!request.isSettled && this.lifecycle !== "open") {
      request.reject(this.lifecycle === "closed" ? closedError() : notConnectedError());
    }
    return request;
  }

  /** Starts one call: at once when open; when reconnecting, later or never, as the caller chose. */
  private dispatch<T>(
    options: RequestOptions | undefined,
    kind: CallKind,
    start: (request: ClientRequest<T>) => void,
    onAnswer: (value: T) => void = ignore,
    seq = 0,
  ): Promise<T> {
    const policy = this.policy;
    if (policy === undefined) {
      const request = this.direct<T>(options);
      if (!request.isSettled) start(request);
      return request.promise;
    }
    const request = this.track<T>(options, this.requestTimeoutMs, "request");
    if (request.isSettled) return request.promise;
    const call = new RetriedCall<T>(kind, request, start, onAnswer, (given) => this.forget(given), seq);
    request.cancelWith(call);
    if (this.lifecycle === "open") {
      this.begin(call);
    } else if (
      this.lifecycle === "reconnecting" &&
      (options?.waitForConnection ?? policy.waitForConnection)
    ) {
      if (kind === "send") this.outbox.add(call as unknown as RetriedCall<SendResult>);
      else if (kind === "ack") this.parkedAcks.add(call as unknown as RetriedCall<void>);
      else this.waiting.push(call as RetriedCall<unknown>);
    } else {
      request.reject(this.lifecycle === "closed" ? closedError() : notConnectedError());
    }
    return request.promise;
  }

  private begin<T>(call: RetriedCall<T>): void {
    if (call.kind === "send") this.outbox.add(call as unknown as RetriedCall<SendResult>);
    if (call.kind === "ack") {
      this.startAck(call as unknown as RetriedCall<void>);
      return;
    }
    this.run(call);
  }

  /**
   * An acknowledgement goes out once the current connection has delivered its message (the server only
   * takes acknowledgements for what it delivered in this session); one for a message never handed out
   * goes out at once, for the server to refuse as before.
   */
  private startAck(call: RetriedCall<void>): void {
    const seq = call.seq;
    if (Number.isSafeInteger(seq) && seq >= 1 && seq <= this.acknowledgedUpTo) {
      this.parkedAcks.delete(call);
      call.request.resolve();
      return;
    }
    if (this.lifecycle === "open" && (seq <= this.deliveredOnConnection || seq > this.handedOutUpTo)) {
      this.parkedAcks.delete(call);
      this.run(call);
    } else this.parkedAcks.add(call);
  }

  /** Everything up to `seq` is acknowledged: acknowledgements waiting for less are done. */
  private acknowledged(seq: number): void {
    if (seq <= this.acknowledgedUpTo) return;
    this.acknowledgedUpTo = seq;
    for (const call of [...this.parkedAcks]) if (call.seq <= seq) this.startAck(call);
  }

  /** One attempt of a call on the current connection. */
  private run<T>(call: RetriedCall<T>): void {
    const attempt = new ClientRequest<T>(this.attempts, NO_TIMEOUT, "request", undefined);
    call.attempt = attempt;
    this.running.add(call as RetriedCall<unknown>);
    attempt.promise.then(
      (value) => {
        if (call.attempt !== attempt) return;
        this.finish(call);
        call.onAnswer(value);
        call.request.resolve(value);
      },
      (error: ChatError) => {
        if (call.attempt !== attempt) return;
        this.finish(call);
        call.request.reject(error);
      },
    );
    call.start(attempt);
  }

  private finish<T>(call: RetriedCall<T>): void {
    call.attempt = undefined;
    this.running.delete(call as RetriedCall<unknown>);
    if (call.kind === "send") this.outbox.delete(call as unknown as RetriedCall<SendResult>);
  }

  /** The caller gave the call up: it leaves every queue. */
  private forget<T>(call: RetriedCall<T>): void {
    this.running.delete(call as RetriedCall<unknown>);
    this.outbox.delete(call as unknown as RetriedCall<SendResult>);
    this.parkedAcks.delete(call as unknown as RetriedCall<void>);
  }

  private async connectOnce(options: RequestOptions | undefined): Promise<void> {
    this.lifecycle = "connecting";
    const attempt = this.track<void>(options, this.connectTimeoutMs, "connect");
    this.step = attempt as ClientRequest<unknown>;
    this.deliveredOnConnection = 0;
    if (!attempt.isSettled) {
      try {
        this.openTransport(attempt);
      } catch (error) {
        attempt.reject(connectError(error));
      }
    }
    try {
      await attempt.promise;
    } catch (error) {
      const reason = ChatError.from(error);
      void this.end(reason, reason);
      throw reason;
    } finally {
      this.step = undefined;
    }
    // `end` settles the attempt, so the client is still connecting here.
    this.lifecycle = "open";
  }

  /** The connection was lost while open: calls on it are sorted out and the reconnect loop starts. */
  private startReconnecting(reason: ChatError): void {
    this.lifecycle = "reconnecting";
    this.lostAt = performance.now();
    this.statusHub.emit({ type: "disconnected", reason });
    for (const call of [...this.running]) {
      const attempt = call.attempt;
      call.attempt = undefined;
      this.running.delete(call);
      attempt?.abandon(reason);
      if (call.kind === "once") call.request.reject(lostAnswerError(reason));
      else if (call.kind === "ack") this.parkedAcks.add(call as unknown as RetriedCall<void>);
      else if (call.kind === "read") this.waiting.push(call);
      // A send stays in the outbox, to be resent with its client message id.
    }
    this.abandonAttempts(reason);
    this.dropQuietly();
    void this.reconnect(reason);
  }

  private abandonAttempts(reason: ChatError): void {
    for (const attempt of this.attempts.snapshot()) attempt.abandon(reason);
  }

  private dropQuietly(): void {
    try {
      this.dropTransport();
    } catch {
      // The connection is dead either way.
    }
  }

  /** Tries until the connection and the session are back, the attempts run out, or the client closes. */
  private async reconnect(lost: ChatError): Promise<void> {
    const policy = this.policy as ReconnectPolicy;
    let lastError = lost;
    for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
      const delayMs = reconnectDelay(policy, attempt, Math.random());
      this.statusHub.emit({ type: "reconnecting", attempt: attempt + 1, delayMs });
      await this.pause(delayMs);
      if (this.lifecycle !== "reconnecting") return;
      try {
        await this.reopen();
      } catch (error) {
        if (this.lifecycle !== "reconnecting") return;
        lastError = ChatError.from(error);
        this.abandonAttempts(lastError);
        this.dropQuietly();
        continue;
      }
      try {
        await this.resumeSession();
      } catch (error) {
        if (this.lifecycle !== "reconnecting") return;
        lastError = ChatError.from(error);
        const fatal = this.refusalToResume(lastError);
        if (fatal) {
          this.fail(fatal);
          return;
        }
        this.abandonAttempts(lastError);
        this.dropQuietly();
        continue;
      }
      if (this.lifecycle !== "reconnecting") return;
      this.lifecycle = "open";
      this.statusHub.emit({ type: "reconnected" });
      this.resumeCalls();
      return;
    }
    this.fail(
      new ChatError(
        "UNAVAILABLE",
        `gave up reconnecting after ${policy.maxAttempts} attempts: ${lastError.message}`,
        { cause: lastError },
      ),
    );
  }

  /** Waits `delayMs`, or less when the client ends meanwhile. */
  private pause(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeReconnect = resolve;
      this.reconnectTimer = setTimeout(resolve, delayMs);
    });
  }

  private reopen(): Promise<void> {
    this.deliveredOnConnection = 0;
    const attempt = new ClientRequest<void>(this.attempts, this.connectTimeoutMs, "connect", undefined);
    this.step = attempt as ClientRequest<unknown>;
    try {
      this.openTransport(attempt);
    } catch (error) {
      attempt.reject(connectError(error));
    }
    return attempt.promise;
  }

  private async resumeSession(): Promise<void> {
    const credentials = this.credentials;
    if (credentials === undefined) return;
    const attempt = new ClientRequest<LoginResult>(
      this.attempts,
      this.requestTimeoutMs,
      "request",
      undefined,
    );
    this.step = attempt as ClientRequest<unknown>;
    this.carryResume(credentials.username, credentials.password, attempt);
    await attempt.promise;
  }

  /** The error to close with when logging in again was refused for good, or `undefined` to try again. */
  private refusalToResume(error: ChatError): ChatError | undefined {
    const who = this.credentials?.username ?? "the account";
    if (error.code === "UNAUTHENTICATED") {
      this.credentials = undefined;
      return new ChatError(
        "UNAUTHENTICATED",
        `cannot log in again as ${who} (the account was deleted or its password changed): ${error.message}`,
        { cause: error },
      );
    }
    if (error.code !== "FAILED_PRECONDITION") return undefined;
    const graceMs = (this.policy as ReconnectPolicy).loggedInElsewhereGraceMs;
    // Early on, the session refusing us is most likely our own, from the connection just lost.
    if (performance.now() - this.lostAt < graceMs) return undefined;
    this.credentials = undefined;
    return new ChatError(
      "FAILED_PRECONDITION",
      `the session was taken over: ${who} is logged in elsewhere (${error.message})`,
      { cause: error },
    );
  }

  /** The connection is back: the outbox first, in order, then acknowledgements, then calls that waited. */
  private resumeCalls(): void {
    for (const call of this.outbox) {
      if (this.lifecycle !== "open") return;
      if (call.attempt === undefined && !call.request.isSettled) this.run(call);
    }
    for (const call of [...this.parkedAcks]) {
      if (this.lifecycle !== "open") return;
      this.startAck(call);
    }
    while (this.waiting.length > 0 && this.lifecycle === "open") {
      const call = this.waiting.shift() as RetriedCall<unknown>;
      if (!call.request.isSettled) this.run(call);
    }
  }

  private async closeGracefully(): Promise<void> {
    if (this.lifecycle === "open") {
      try {
        await this.beforeClose();
      } catch {
        // A goodbye that fails changes nothing: the client closes all the same.
      }
    }
    await this.end(undefined, closedError());
  }

  /** Ends the client once: state, requests in flight, `messages`, the transport, then `closed`. */
  private end(reason: ChatError | undefined, inFlightError: ChatError): Promise<void> {
    if (this.ending) return this.ending;
    this.lifecycle = "closed";
    this.credentials = undefined;
    clearTimeout(this.reconnectTimer);
    this.wakeReconnect?.();
    for (const request of this.inFlight.snapshot()) request.abandon(inFlightError);
    this.abandonAttempts(inFlightError);
    this.waiting = [];
    this.incoming.end();
    this.ending = this.release(reason);
    return this.ending;
  }

  private async release(reason: ChatError | undefined): Promise<void> {
    try {
      await this.releaseTransport(reason);
    } catch {
      // The transport is gone either way; `closed` must still settle.
    }
    this.statusHub.emit({ type: "closed", reason });
    this.resolveClosed(reason);
  }
}
