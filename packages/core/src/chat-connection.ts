import type { AccountPage, AccountQuery, FullAccountListing } from "./account-page.js";
import { ChatError } from "./chat-error.js";
import type { DeliverySink, SendResult } from "./delivery.js";
import { retryLater } from "./retry-after.js";
import { MAX_NAMES_PER_FULL_LISTING, MAX_PAGE_SIZE } from "./rules.js";
import type { ScanBudget } from "./scan-budget.js";
import type { CallContext, ServiceInternals } from "./service-internals.js";
import type { RequestOperation, ServiceObserver } from "./service-observer.js";
import type { Session } from "./session.js";
import type { TokenBucket } from "./token-bucket.js";

/** Options of one login or registration request. */
export interface CallOptions {
  /**
   * Aborts once the caller no longer waits for the answer (a cancelled call, a deadline): work still
   * queued for it (the password hash) is skipped. Closing the connection does the same for all its calls.
   */
  readonly signal?: AbortSignal;
}

/** @internal What a connection gets from the service that opens it. */
export interface ConnectionSetup {
  /** The source address its requests count under (see `sourceOf`). */
  readonly source: string;
  /** Its own listing-rate bucket. */
  readonly listingBucket: TokenBucket;
  /** The limits' monotonic clock, in milliseconds. */
  readonly now: () => number;
}

/** The reply to a successful login. */
export interface LoginResult {
  /** The account's registered spelling (the login may have used another case). */
  readonly username: string;
}

/**
 * One transport-level connection to the service (a TCP socket, a gRPC session token, an in-process
 * client). It holds at most one session at a time and enforces every per-connection rule, so transports
 * only translate: they never decide a domain rule themselves.
 */
export class ChatConnection {
  private session: Session | undefined;
  private loginPending = false;
  private closed = false;
  /** Aborted when the connection closes: work still queued for it is skipped. */
  private readonly gone = new AbortController();
  private readonly call: CallContext;

  /** @internal Created by `ChatService.connect()`. */
  constructor(
    private readonly service: ServiceInternals,
    private readonly setup: ConnectionSetup,
    /** The transport's label, for the observer. */
    readonly transport: string = "unknown",
    private readonly observer: ServiceObserver | undefined = undefined,
  ) {
    this.call = { source: setup.source, signal: this.gone.signal };
    observer?.connectionOpened?.(transport);
  }

  /** The source address this connection's requests count under for per-address limits. */
  get source(): string {
    return this.setup.source;
  }

  /** The call context of one request: the connection's, or with the caller's own signal as well. */
  private callFor(options: CallOptions | undefined): CallContext {
    const signal = options?.signal;
    if (signal === undefined) return this.call;
    return { source: this.setup.source, signal: AbortSignal.any([this.gone.signal, signal]) };
  }

  /**
   * Runs a request and tells the observer how it went. Without an observer (or one that does not time
   * requests) it is the request itself, untouched: sends are the hot path. Synchronous throws stay
   * synchronous, as callers of the unwrapped methods see them.
   */
  private observed<T>(operation: RequestOperation, run: () => Promise<T>): Promise<T> {
    const observer = this.observer;
    if (observer?.requestFinished === undefined) return run();
    const started = performance.now();
    const report = (error?: unknown): void => {
      const durationMs = performance.now() - started;
      const base = { transport: this.transport, operation, durationMs };
      if (error === undefined) observer.requestFinished?.(base);
      else
        observer.requestFinished?.({
          ...base,
          errorCode: error instanceof ChatError ? error.code : "INTERNAL",
        });
    };
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      report(error);
      throw error;
    }
    return pending.then(
      (value) => {
        report();
        return value;
      },
      (error: unknown) => {
        report(error);
        throw error;
      },
    );
  }

  /** The logged-in account's registered spelling, or `undefined` when logged out. */
  get username(): string | undefined {
    return this.session?.username;
  }

  /** Whether this connection has been closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  private usable(): void {
    if (this.closed) throw new ChatError("UNAVAILABLE", "the connection is closed");
  }

  private requireSession(): Session {
    this.usable();
    // A session that ended without this connection asking (its lease was lost) is as good as none.
    if (this.session?.ended) this.session = undefined;
    if (!this.session) throw new ChatError("UNAUTHENTICATED", "you must log in first");
    return this.session;
  }

  /** Creates an account (needs no login). */
  register(username: unknown, password: unknown, options?: CallOptions): Promise<void> {
    return this.observed("register", () => {
      this.usable();
      return this.service.register(username, password, this.callFor(options));
    });
  }

  /**
   * Admits one listing request: `RESOURCE_EXHAUSTED` with a retry hint when this connection or its source
   * address lists too often; otherwise the budget of names it may examine.
   */
  private beginListing(): ScanBudget {
    this.usable();
    const wait = this.setup.listingBucket.take(1, this.setup.now());
    if (wait > 0) throw retryLater("too many account listings on this connection", wait);
    try {
      return this.service.beginListing(this.call);
    } catch (error) {
      this.setup.listingBucket.refund(1, this.setup.now());
      throw error;
    }
  }

  /** Lists account names, one page at a time (needs no login). */
  listAccounts(query: AccountQuery = {}): Promise<AccountPage> {
    return this.observed("listAccounts", () => this.service.listAccounts(query, this.beginListing()));
  }

  /**
   * Every account name matching `pattern`, gathered page by page up to `MAX_NAMES_PER_FULL_LISTING` (then
   * marked truncated). For protocols that cannot page, such as the seed's `acd`/`acf` (needs no login).
   */
  listAllAccounts(pattern = ""): Promise<FullAccountListing> {
    return this.observed("listAccounts", () => this.gatherAccounts(pattern));
  }

  private async gatherAccounts(pattern: string): Promise<FullAccountListing> {
    // One request, however many pages: one listing admitted, one scan budget for all of it.
    const budget = this.beginListing();
    const usernames: string[] = [];
    let cursor: string | undefined;
    do {
      this.usable();
      const page = await this.service.listAccounts(
        {
          pattern,
          pageSize: MAX_PAGE_SIZE,
          ...(cursor === undefined ? {} : { cursor }),
        },
        budget,
      );
      usernames.push(...page.usernames);
      cursor = page.nextCursor;
    } while (cursor !== undefined && usernames.length < MAX_NAMES_PER_FULL_LISTING && budget.allowance() > 0);
    const truncated = usernames.length > MAX_NAMES_PER_FULL_LISTING || cursor !== undefined;
    if (usernames.length > MAX_NAMES_PER_FULL_LISTING) usernames.length = MAX_NAMES_PER_FULL_LISTING;
    return { usernames, truncated };
  }

  /**
   * The error `login` would fail with before looking at any credentials: `UNAVAILABLE` when this connection
   * is closed, `FAILED_PRECONDITION` when it already holds a session (or a login is on its way); `undefined`
   * when a login may be tried. Lets a transport that keeps sessions apart from connections (gRPC tokens)
   * give core's own refusal without calling `login` again.
   */
  loginRefusal(): ChatError | undefined {
    if (this.closed) return new ChatError("UNAVAILABLE", "the connection is closed");
    if (!this.session && !this.loginPending) return undefined;
    const who = this.session ? ` as ${this.session.username}` : "";
    return new ChatError("FAILED_PRECONDITION", `this connection is already logged in${who}; log out first`);
  }

  /**
   * Logs in. Fails with `FAILED_PRECONDITION` when this connection already holds a session or the account
   * is logged in elsewhere, and `UNAUTHENTICATED` for a wrong username or password (same message for both).
   */
  login(username: unknown, password: unknown, options?: CallOptions): Promise<LoginResult> {
    return this.observed("login", () => this.openLogin(username, password, options));
  }

  private async openLogin(username: unknown, password: unknown, options?: CallOptions): Promise<LoginResult> {
    const refusal = this.loginRefusal();
    if (refusal) throw refusal;
    this.loginPending = true;
    try {
      const session = await this.service.openSession(username, password, this.callFor(options));
      if (this.closed) {
        this.service.endSession(session);
        throw new ChatError("UNAVAILABLE", "the connection is closed");
      }
      this.session = session;
      return { username: session.username };
    } finally {
      this.loginPending = false;
    }
  }

  /**
   * Starts delivery to `sink`: first every stored message, in order, then live ones. Sends to this account
   * count as `live` while a sink is attached. Attaching again replaces the sink and redelivers everything
   * not yet acknowledged.
   */
  attach(sink: DeliverySink): void {
    const session = this.requireSession();
    const delivered = this.observer?.messageDelivered;
    if (delivered === undefined) {
      session.attach(sink);
      return;
    }
    const transport = this.transport;
    session.attach({
      deliver: (message) => {
        delivered.call(this.observer, transport);
        return sink.deliver(message);
      },
      ...(sink.ended === undefined ? {} : { ended: (reason) => sink.ended?.(reason) }),
    });
  }

  /** Stops delivery; the session stays logged in and messages are stored until the next attach. */
  detach(): void {
    this.session?.pauseDelivery();
  }

  /** Tells core the attached sink has room again after it returned false. */
  resume(): void {
    this.session?.resume();
  }

  /** Logs out; messages not yet acknowledged stay stored for the next login. */
  logout(): Promise<void> {
    return this.observed("logout", async () => {
      const session = this.requireSession();
      this.session = undefined;
      this.service.endSession(session);
    });
  }

  /** Deletes the logged-in account and all mail queued for it, then ends the session. */
  deleteAccount(): Promise<void> {
    return this.observed("deleteAccount", async () => {
      const session = this.requireSession();
      await this.service.deleteAccount(session);
      if (this.session === session) this.session = undefined;
    });
  }

  /**
   * Sends a message to a user, live if they are online, stored otherwise. With a `clientMessageId` (1–32
   * bytes) the send is idempotent: a repeat within `SEND_DEDUPE_WINDOW_MS` gets the first answer and
   * stores nothing; the same id with another recipient or content is `INVALID_ARGUMENT`.
   */
  send(to: unknown, content: unknown, clientMessageId?: unknown): Promise<SendResult> {
    const sent = this.observer?.messageSent;
    if (sent === undefined) {
      return this.observed("send", () =>
        this.service.send(this.requireSession(), to, content, clientMessageId),
      );
    }
    return this.observed("send", () =>
      this.service.send(this.requireSession(), to, content, clientMessageId).then((result) => {
        sent.call(this.observer, result.delivery);
        return result;
      }),
    );
  }

  /** Acknowledges every delivered message up to and including `upToSeq`, removing them from the store. */
  ack(upToSeq: unknown): Promise<void> {
    return this.observed("ack", () => this.service.ack(this.requireSession(), upToSeq));
  }

  /**
   * Ends the connection: its session (if any) ends without logging anything out of the store, so
   * unacknowledged messages are delivered again at the next login. Safe to call more than once.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.gone.abort();
    const session = this.session;
    this.session = undefined;
    if (session) this.service.endSession(session);
    this.service.connectionClosed(this);
    this.observer?.connectionClosed?.(this.transport);
  }
}
