import type { AccountPage, AccountQuery } from "./account-page.js";
import { AsyncQueue } from "./async-queue.js";
import type { ChatClient } from "./chat-client.js";
import {
  type ChatClientOptions,
  type ClientState,
  checkedTimeout,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type RequestOptions,
} from "./chat-client-options.js";
import type { LoginResult } from "./chat-connection.js";
import { ChatError } from "./chat-error.js";
import { ClientRequest, type RequestPurpose } from "./client-request.js";
import type { IncomingMessage, SendResult } from "./delivery.js";

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

/**
 * The life of a {@link ChatClient}, written once for every transport: its {@link ClientState}, `connect()`
 * once with its timeout, `close()` once, the `closed` promise, the queue behind `messages`, and every
 * request's deadline and `AbortSignal`. A transport supplies how to open and release its connection and how
 * to carry each call; it starts each call with {@link beginRequest} (or {@link perform} for a call that is
 * already a promise) and settles the returned {@link ClientRequest} with the answer.
 */
export abstract class ChatClientBase implements ChatClient {
  /** Incoming messages; the transport pushes, `messages` takes. Ended when the client ends. */
  protected readonly incoming = new AsyncQueue<IncomingMessage>();
  /** @inheritDoc */
  readonly messages: AsyncIterable<IncomingMessage> = this.incoming;
  /** @inheritDoc */
  readonly closed: Promise<ChatError | undefined>;
  /** The deadline of a request whose call names none; `NO_TIMEOUT` for none. */
  protected readonly requestTimeoutMs: number;
  /** The limit on `connect()`; `NO_TIMEOUT` for none. */
  protected readonly connectTimeoutMs: number;
  private lifecycle: ClientState = "new";
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private ending: Promise<void> | undefined;
  private readonly inFlight = new Set<ClientRequest<unknown>>();
  private resolveClosed: (reason: ChatError | undefined) => void = ignore;

  /** Throws a `RangeError` for a timeout that is neither 0 nor a positive number. */
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
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** @inheritDoc */
  get state(): ClientState {
    return this.lifecycle;
  }

  /** @inheritDoc */
  connect(options?: RequestOptions): Promise<void> {
    if (this.lifecycle === "open") return Promise.resolve();
    if (this.lifecycle === "closed") return Promise.reject(closedError());
    this.connecting ??= this.connectOnce(options);
    return this.connecting;
  }

  /** @inheritDoc */
  close(): Promise<void> {
    this.closing ??= this.closeGracefully();
    return this.closing;
  }

  abstract register(username: string, password: string, options?: RequestOptions): Promise<void>;
  abstract login(username: string, password: string, options?: RequestOptions): Promise<LoginResult>;
  abstract logout(options?: RequestOptions): Promise<void>;
  abstract deleteAccount(options?: RequestOptions): Promise<void>;
  abstract listAccounts(query?: AccountQuery, options?: RequestOptions): Promise<AccountPage>;
  abstract send(to: string, content: string, options?: RequestOptions): Promise<SendResult>;
  abstract ack(upToSeq: number, options?: RequestOptions): Promise<void>;

  /**
   * Opens the transport's connection and settles `attempt` once requests can be sent (or with why not).
   * The base applies the connect timeout and signal; when the attempt fails for any reason the client ends
   * and {@link releaseTransport} frees whatever was opened.
   */
  protected abstract openTransport(attempt: ClientRequest<void>): void;

  /**
   * Frees the transport, once, when the client ends: gracefully after `close()` (`reason` undefined),
   * at once otherwise. Requests in flight have already been rejected and `messages` ended; `closed`
   * settles when this returns (or its promise settles).
   */
  protected abstract releaseTransport(reason: ChatError | undefined): Promise<void> | void;

  /** Runs at `close()` while the client is still open, before it ends: a transport's goodbye (logout). */
  protected beforeClose(): Promise<void> | void {}

  /**
   * Starts one request: a {@link ClientRequest} with this call's deadline and signal, already rejected
   * (`UNAVAILABLE`) when the client is not open, already settled when the signal has aborted. The transport
   * sends the request unless it `isSettled`, and settles it with the answer.
   */
  protected beginRequest<T>(
    options: RequestOptions | undefined,
    defaultTimeoutMs = this.requestTimeoutMs,
  ): ClientRequest<T> {
    const request = this.track<T>(options, defaultTimeoutMs, "request");
    if (this.lifecycle !== "open" && !request.isSettled) {
      request.reject(
        this.lifecycle === "closed"
          ? closedError()
          : new ChatError("UNAVAILABLE", "the client is not connected"),
      );
    }
    return request;
  }

  /**
   * One request carried by a call that already is a promise (an in-process call, say): `start` runs only
   * when the request may be sent; anything it throws or rejects with is converted by `ChatError.from`.
   */
  protected perform<T>(options: RequestOptions | undefined, start: () => Promise<T>): Promise<T> {
    const request = this.beginRequest<T>(options);
    if (request.isSettled) return request.promise;
    let work: Promise<T>;
    try {
      work = start();
    } catch (error) {
      request.reject(ChatError.from(error));
      return request.promise;
    }
    work.then(
      (value) => request.resolve(value),
      (error: unknown) => request.reject(ChatError.from(error)),
    );
    return request.promise;
  }

  /** The connection ended without the application asking: the client ends with `reason`. */
  protected fail(reason: ChatError): void {
    void this.end(reason, reason);
  }

  private track<T>(
    options: RequestOptions | undefined,
    defaultTimeoutMs: number,
    purpose: RequestPurpose,
  ): ClientRequest<T> {
    const timeoutMs = checkedTimeout(options?.timeoutMs ?? defaultTimeoutMs);
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

  private async connectOnce(options: RequestOptions | undefined): Promise<void> {
    this.lifecycle = "connecting";
    const attempt = this.track<void>(options, this.connectTimeoutMs, "connect");
    if (!attempt.isSettled) {
      try {
        this.openTransport(attempt);
      } catch (error) {
        attempt.reject(
          error instanceof ChatError
            ? error
            : new ChatError("UNAVAILABLE", `cannot connect: ${String(error)}`, { cause: error }),
        );
      }
    }
    try {
      await attempt.promise;
    } catch (error) {
      const reason = ChatError.from(error);
      void this.end(reason, reason);
      throw reason;
    }
    // `end` settles the attempt, so the client is still connecting here.
    this.lifecycle = "open";
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
    for (const request of [...this.inFlight]) request.abandon(inFlightError);
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
    this.resolveClosed(reason);
  }
}
