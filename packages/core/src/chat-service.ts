import { decodeAccountCursor, encodeAccountCursor } from "./account-cursor.js";
import type { AccountPage, AccountQuery } from "./account-page.js";
import { ChatConnection } from "./chat-connection.js";
import { ChatError } from "./chat-error.js";
import { type ChatLimits, resolveChatLimits } from "./chat-limits.js";
import { type Clock, systemClock } from "./clock.js";
import { digestContent } from "./content-digest.js";
import type { DeliveryMode, SendResult } from "./delivery.js";
import { DEFAULT_DELIVERY_BATCH_SIZE } from "./delivery-pump.js";
import { callerGone, HashQueue } from "./hash-queue.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { LocalSessionDirectory } from "./local-session-directory.js";
import { type LoginOutcome, LoginThrottle } from "./login-throttle.js";
import { createScryptHasher } from "./node-crypto.js";
import type { PasswordHasher } from "./password-hasher.js";
import { retryLater } from "./retry-after.js";
import {
  DEFAULT_MAX_BACKLOG,
  DEFAULT_PAGE_SIZE,
  SEND_DEDUPE_WINDOW_MS,
  validateClientMessageId,
  validateContent,
  validateMaxBacklog,
  validatePageSize,
  validatePassword,
  validateSequence,
  validateUsername,
} from "./rules.js";
import { ScanBudget } from "./scan-budget.js";
import type { CallContext, ServiceInternals } from "./service-internals.js";
import type { ConnectOptions, ServiceObserver } from "./service-observer.js";
import { Session } from "./session.js";
import { leaseLostError, type SessionDirectory } from "./session-directory.js";
import { sourceOf } from "./source-address.js";
import type { AppendLimits, NewMessage, Store, StoredMessage } from "./store.js";
import { KeyedTokenBuckets, TokenBucket } from "./token-bucket.js";
import { asciiLowerCase } from "./utf8.js";
import { compileWildcard, matchesWildcard } from "./wildcard.js";

/** How many names one listing call examines at most before returning a (possibly short) page. */
export const MAX_NAMES_SCANNED_PER_PAGE = 5000;

/** Fewest names read from the store per listing query. */
const MIN_LISTING_CHUNK = 256;

/** The same message for an unknown user and a wrong password, so neither can be told from the other. */
const BAD_CREDENTIALS = "wrong username or password";

/** A send's failure as its caller sees it: an unknown or full recipient is named in the error. */
function sendFailure(error: unknown, recipientName: string | undefined): unknown {
  if (recipientName === undefined || !(error instanceof ChatError)) return error;
  if (error.code === "NOT_FOUND") {
    return new ChatError("NOT_FOUND", `message not sent: no user named ${recipientName}`);
  }
  if (error.code === "RESOURCE_EXHAUSTED") {
    return new ChatError(
      "RESOURCE_EXHAUSTED",
      `message not sent: ${recipientName} has too many unread messages; try again later`,
    );
  }
  return error;
}

/** A send that passed {@link ChatService}'s checks, ready for the store. */
interface AdmittedSend {
  readonly recipientName: string;
  readonly recipientKey: string;
  readonly message: NewMessage;
}

/** Options of a {@link ChatService}. */
export interface ChatServiceOptions {
  /** Where accounts and queued messages live. The service does not close it. */
  readonly store: Store;
  /** Password hashing; default scrypt with production parameters. */
  readonly hasher?: PasswordHasher;
  /** Time source for message timestamps; default the system clock. */
  readonly clock?: Clock;
  /** Stored messages read per store call during delivery. */
  readonly deliveryBatchSize?: number;
  /**
   * Most unacknowledged messages one recipient may have waiting; sends past it fail with
   * `RESOURCE_EXHAUSTED`. Default {@link DEFAULT_MAX_BACKLOG}.
   */
  readonly maxBacklog?: number;
  /** Told about failures that have no caller to return to (for logging). */
  readonly onError?: (error: unknown) => void;
  /** Watches connections, requests and messages, e.g. for metrics; see {@link ServiceObserver}. */
  readonly observer?: ServiceObserver;
  /**
   * Where sessions live cluster-wide (the one-device rule, fenced delivery, wake-ups across nodes); default
   * a {@link LocalSessionDirectory} on `store`, for a single process. The service does not close it.
   */
  readonly directory?: SessionDirectory;
  /**
   * The abuse limits (login throttling, the hash queue, listing, registration and send rates); each one
   * missing takes its default from `DEFAULT_CHAT_LIMITS`. They hold for every transport in front of the
   * service together. See docs/security.md.
   */
  readonly limits?: Partial<ChatLimits>;
}

/** The limits' clock: monotonic, so a wall-clock jump neither refills nor drains a bucket. */
const monotonicNow = (): number => performance.now();

/** Why a session ended when its lease was lost (a sink hears it as `ended`). */
const sessionExpired = leaseLostError;

/**
 * The chat domain behind every transport: account rules, sessions (one per account), the offline queue and
 * delivery. Transports call `connect()` once per connection and translate requests into calls on the
 * returned {@link ChatConnection}; the service never knows which transport is calling.
 */
export class ChatService {
  private readonly store: Store;
  private readonly hasher: PasswordHasher;
  private readonly clock: Clock;
  private readonly deliveryBatchSize: number;
  private readonly reportError: (error: unknown) => void;
  /** One object for every append, so the hot path allocates nothing for it. */
  private readonly appendLimits: AppendLimits;
  private readonly accountLocks = new KeyedMutex();
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<ChatConnection>();
  private closed = false;
  private readonly internals: ServiceInternals;
  private readonly observer: ServiceObserver | undefined;
  private readonly directory: SessionDirectory;
  private readonly renewTimer: NodeJS.Timeout | undefined;
  /** Sessions whose renewal is in flight, so a slow directory is never asked twice at once. */
  private readonly renewing = new Set<Session>();
  private readonly limits: ChatLimits;
  private readonly hashes: HashQueue;
  private readonly loginThrottle: LoginThrottle;
  private readonly registrations: KeyedTokenBuckets;
  private readonly listingsBySource: KeyedTokenBuckets;
  private readonly scansBySource: KeyedTokenBuckets;
  private readonly sendsByAccount: KeyedTokenBuckets;

  constructor(options: ChatServiceOptions) {
    this.store = options.store;
    this.directory = options.directory ?? new LocalSessionDirectory(options.store);
    const renewIntervalMs = this.directory.renewIntervalMs;
    if (renewIntervalMs !== undefined) {
      this.renewTimer = setInterval(() => this.renewLeases(), renewIntervalMs);
      // Renewal alone must not keep a process alive whose servers have all closed.
      this.renewTimer.unref();
    }
    this.hasher = options.hasher ?? createScryptHasher();
    this.clock = options.clock ?? systemClock;
    this.deliveryBatchSize = options.deliveryBatchSize ?? DEFAULT_DELIVERY_BATCH_SIZE;
    this.reportError = options.onError ?? (() => {});
    this.observer = options.observer;
    this.appendLimits = { maxBacklog: validateMaxBacklog(options.maxBacklog ?? DEFAULT_MAX_BACKLOG) };
    const limits = resolveChatLimits(options.limits);
    this.limits = limits;
    this.hashes = new HashQueue(limits.hashConcurrency, limits.maxQueuedHashes);
    this.loginThrottle = new LoginThrottle(limits, monotonicNow);
    const tracked = limits.maxTrackedKeys;
    this.registrations = new KeyedTokenBuckets(limits.registrationsPerAddress, tracked, monotonicNow);
    this.listingsBySource = new KeyedTokenBuckets(limits.listingsPerAddress, tracked, monotonicNow);
    this.scansBySource = new KeyedTokenBuckets(limits.namesScannedPerAddress, tracked, monotonicNow);
    this.sendsByAccount = new KeyedTokenBuckets(limits.sendsPerSession, tracked, monotonicNow);
    this.internals = {
      register: (username, password, call) => this.registerAccount(username, password, call),
      beginListing: (call) => this.beginListing(call),
      listAccounts: (query, budget) => this.listAccountsWithin(query, budget),
      openSession: (username, password, call) => this.openSession(username, password, call),
      endSession: (session) => this.endSession(session),
      deleteAccount: (session) => this.deleteSessionAccount(session),
      send: (session, to, content, clientMessageId) =>
        clientMessageId === undefined
          ? this.send(session, to, content)
          : this.sendOnce(session, to, content, clientMessageId),
      ack: (session, upToSeq) => this.ack(session, upToSeq),
      connectionClosed: (connection) => this.connections.delete(connection),
    };
  }

  private usable(): void {
    if (this.closed) throw new ChatError("UNAVAILABLE", "the server is shutting down");
  }

  /**
   * Opens a connection: the handle a transport uses for one client. The transport may label it (`wire`,
   * `grpc`) for the observer; the service itself never looks at the label. Its requests are subject to the
   * per-connection and (under `peerAddress`) per-address limits.
   */
  connect(options: ConnectOptions = {}): ChatConnection {
    this.usable();
    const shape = this.limits.listingsPerConnection;
    const connection = new ChatConnection(
      this.internals,
      {
        source: sourceOf(options.peerAddress),
        listingBucket: new TokenBucket(shape.burst, shape.perSecond, monotonicNow()),
        now: monotonicNow,
      },
      options.transport,
      this.observer,
    );
    this.connections.add(connection);
    return connection;
  }

  /** Whether the account has a live session with delivery attached (addressed case-insensitively). */
  isOnline(username: string): boolean {
    return this.sessions.get(asciiLowerCase(username))?.online ?? false;
  }

  /** Whether the account is logged in somewhere (with or without delivery attached). */
  isLoggedIn(username: string): boolean {
    return this.sessions.has(asciiLowerCase(username));
  }

  /** How many sessions are live. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Creates an account. `ALREADY_EXISTS` when the name is taken in any letter case. A direct call is not
   * rate-limited (it comes from the application itself); a connection's registrations are.
   */
  register(username: unknown, password: unknown): Promise<void> {
    return this.registerAccount(username, password, undefined);
  }

  /**
   * A registration, limited per source address when it comes from a connection (`call`): the token is
   * taken only once the name is known to be free, just before the hash, and given back when no hash ran.
   */
  private async registerAccount(
    username: unknown,
    password: unknown,
    call: CallContext | undefined,
  ): Promise<void> {
    this.usable();
    const name = validateUsername(username);
    const secret = validatePassword(password);
    const key = asciiLowerCase(name);
    await this.accountLocks.run(key, async () => {
      if (call?.signal.aborted) throw callerGone();
      if (await this.store.getAccount(key)) {
        throw new ChatError("ALREADY_EXISTS", `username ${name} is already taken`);
      }
      if (call !== undefined) {
        const wait = this.registrations.take(call.source);
        if (wait > 0) throw retryLater("too many registrations from this address", wait);
      }
      let passwordHash: string;
      try {
        passwordHash = await this.hashes.run(() => this.hasher.hash(secret), call?.signal);
      } catch (error) {
        if (call !== undefined) this.registrations.of(call.source).refund(1, monotonicNow());
        throw error;
      }
      await this.store.createAccount({ username: name, key, passwordHash, createdAt: this.clock.now() });
    });
  }

  /** Admits one listing request from a connection, or refuses it with a retry hint. */
  private beginListing(call: CallContext): ScanBudget {
    const wait = this.listingsBySource.take(call.source);
    if (wait > 0) throw retryLater("too many account listings from this address", wait);
    const scans = this.scansBySource.of(call.source);
    if (!scans.hasTokens(monotonicNow())) {
      this.listingsBySource.of(call.source).refund(1, monotonicNow());
      throw retryLater("account listings from this address examined too many names", scans.waitFor(1));
    }
    return new ScanBudget(this.limits.maxNamesScannedPerRequest, scans, monotonicNow);
  }

  /**
   * Lists account names in case-insensitive alphabetical order, one bounded page at a time, optionally
   * filtered by a wildcard. Needs no login.
   */
  listAccounts(query: AccountQuery = {}): Promise<AccountPage> {
    return this.listAccountsWithin(query, ScanBudget.unlimited());
  }

  /**
   * A page of {@link listAccounts} that examines no more names than `budget` allows: a page cut short by
   * it has a cursor to go on from, like a page cut by {@link MAX_NAMES_SCANNED_PER_PAGE}.
   */
  private async listAccountsWithin(query: AccountQuery, budget: ScanBudget): Promise<AccountPage> {
    this.usable();
    const wildcard = compileWildcard(query.pattern ?? "");
    const pageSize = validatePageSize(query.pageSize ?? DEFAULT_PAGE_SIZE);
    let afterKey = query.cursor === undefined ? undefined : decodeAccountCursor(query.cursor);
    // Read ahead a little more than one page, so a sparse wildcard does not cost a store call per name.
    const chunkSize = Math.min(Math.max(pageSize * 2, MIN_LISTING_CHUNK), MAX_NAMES_SCANNED_PER_PAGE);
    const usernames: string[] = [];
    let scanned = 0;
    // Whether the store may hold names after `afterKey`; a short chunk means it does not.
    let more = true;
    while (more && usernames.length < pageSize && scanned < MAX_NAMES_SCANNED_PER_PAGE) {
      const limit = Math.min(chunkSize, MAX_NAMES_SCANNED_PER_PAGE - scanned, budget.allowance());
      // Out of budget: the page ends here, and its cursor lets the client go on once it has budget again.
      if (limit <= 0) break;
      const chunk = await this.store.listAccounts({
        ...(afterKey === undefined ? {} : { afterKey }),
        keyPrefix: wildcard.literalPrefix,
        limit,
      });
      budget.spend(chunk.length);
      more = chunk.length === limit;
      for (const [index, name] of chunk.entries()) {
        scanned++;
        afterKey = asciiLowerCase(name);
        if (!matchesWildcard(wildcard, name)) continue;
        usernames.push(name);
        if (usernames.length === pageSize) {
          if (index < chunk.length - 1) more = true;
          break;
        }
      }
    }
    if (!more || afterKey === undefined) return { usernames };
    return { usernames, nextCursor: encodeAccountCursor(afterKey) };
  }

  /**
   * A login: throttled per (account, address) and per address before anything is hashed (see
   * {@link LoginThrottle}); the hash waits in the bounded {@link HashQueue} and is skipped if the caller is
   * gone by then.
   */
  private async openSession(username: unknown, password: unknown, call: CallContext): Promise<Session> {
    this.usable();
    const name = validateUsername(username);
    const secret = validatePassword(password);
    const key = asciiLowerCase(name);
    const attempt = this.loginThrottle.admit(key, call.source);
    let outcome: LoginOutcome = "not checked";
    try {
      return await this.accountLocks.run(key, () =>
        this.checkAndOpen(key, secret, call, (checked) => {
          outcome = checked;
        }),
      );
    } finally {
      this.loginThrottle.settle(attempt, outcome);
    }
  }

  private async checkAndOpen(
    key: string,
    secret: string,
    call: CallContext,
    checked: (outcome: LoginOutcome) => void,
  ): Promise<Session> {
    if (call.signal.aborted) throw callerGone();
    const account = await this.store.getAccount(key);
    if (!account) {
      await this.hashes.run(() => this.hasher.verifyNothing(secret), call.signal);
      checked("wrong credentials");
      throw new ChatError("UNAUTHENTICATED", BAD_CREDENTIALS);
    }
    const check = await this.hashes.run(() => this.hasher.verify(secret, account.passwordHash), call.signal);
    checked(check.ok ? "right password" : "wrong credentials");
    if (!check.ok) throw new ChatError("UNAUTHENTICATED", BAD_CREDENTIALS);
    // Checked only after the password, so presence is never revealed to someone without it.
    const alreadyLive = new ChatError(
      "FAILED_PRECONDITION",
      `${account.username} is already logged in on another device; log out there first`,
    );
    if (this.sessions.has(key)) throw alreadyLive;
    if (check.needsRehash) {
      await this.store.setPasswordHash(
        key,
        await this.hashes.run(() => this.hasher.hash(secret), call.signal),
      );
    }
    this.usable();
    const lease = await this.directory.claim(key);
    if (!lease) throw alreadyLive;
    const session = new Session(
      {
        directory: this.directory,
        deliveryBatchSize: this.deliveryBatchSize,
        reportError: this.reportError,
        leaseLost: (lost) => this.expireSession(lost),
        deliveryFailed: (failed, error, failures) => this.endFailedDelivery(failed, error, failures),
      },
      account.username,
      key,
      lease,
    );
    try {
      // Watching before the session is handed out: the first delivery read comes after it, so a wake-up
      // for any message that read misses is already being listened for.
      session.stopWatching = await this.directory.watch(key, (seq) => session.hint(seq));
    } catch (error) {
      this.releaseLease(session);
      throw error;
    }
    if (this.closed) {
      this.endSession(session);
      throw new ChatError("UNAVAILABLE", "the server is shutting down");
    }
    this.sessions.set(key, session);
    return session;
  }

  private endSession(session: Session): void {
    session.detach();
    if (this.sessions.get(session.key) === session) this.sessions.delete(session.key);
    if (session.ended) return;
    session.ended = true;
    this.releaseLease(session);
  }

  /** Gives the session's lease and wake-ups back in the background; a failure is only logged (it expires). */
  private releaseLease(session: Session): void {
    const stopWatching = session.stopWatching;
    session.stopWatching = undefined;
    void Promise.allSettled([stopWatching?.(), this.directory.release(session.lease)]).then((results) => {
      for (const result of results) if (result.status === "rejected") this.reportError(result.reason);
    });
  }

  /** The session's lease is lost: the session ends, and its sink hears why. */
  private expireSession(session: Session): void {
    if (session.ended) return;
    const sink = session.attachedSink;
    this.endSession(session);
    sink?.ended?.(sessionExpired());
  }

  /**
   * Delivery to the session kept failing because the store's reads did: the session ends with
   * `UNAVAILABLE` (its sink hears it and the transport tells the client, which reconnects and logs in
   * again) rather than staying logged in with delivery silently stopped. Nothing is lost: what was not
   * acknowledged stays stored.
   */
  private endFailedDelivery(session: Session, error: unknown, failures: number): void {
    if (session.ended) return;
    this.reportError(
      new ChatError(
        "UNAVAILABLE",
        `delivery to ${session.username} stopped after ${failures} failed store reads in a row; ending the session so the client reconnects`,
        { cause: error },
      ),
    );
    const sink = session.attachedSink;
    this.endSession(session);
    sink?.ended?.(
      new ChatError("UNAVAILABLE", "the message store is failing; delivery stopped, log in again to resume"),
    );
  }

  /** One round of renewals: each lease is extended, or its session ends when it was lost or ran out. */
  private renewLeases(): void {
    for (const session of this.sessions.values()) {
      if (this.renewing.has(session)) {
        if (Date.now() >= session.lease.validUntil) this.expireSession(session);
        continue;
      }
      this.renewing.add(session);
      this.directory.renew(session.lease).then(
        (renewal) => {
          this.renewing.delete(session);
          if (!renewal.held) this.expireSession(session);
          // The catch-up read: a wake-up that was lost costs at most one renewal interval.
          else session.hint(renewal.lastSeq);
        },
        (error: unknown) => {
          this.renewing.delete(session);
          this.reportError(error);
          // The directory is unreachable: keep the session while the lease is certainly still ours.
          if (Date.now() >= session.lease.validUntil) this.expireSession(session);
        },
      );
    }
  }

  private async deleteSessionAccount(session: Session): Promise<void> {
    this.usable();
    await this.accountLocks.run(session.key, async () => {
      await this.store.deleteAccount(session.key);
      this.endSession(session);
    });
  }

  /**
   * Not `async`, and one continuation on the store's promise: sends are the hot path, and an async function
   * would add its own promise and await to every message.
   */
  private send(session: Session, to: unknown, content: unknown): Promise<SendResult> {
    let send: AdmittedSend | undefined;
    let appended: Promise<StoredMessage>;
    try {
      send = this.admitValidSend(session, to, content);
      appended = this.store.appendMessage(send.recipientKey, send.message, this.appendLimits);
    } catch (error) {
      return Promise.reject(sendFailure(error, send?.recipientName));
    }
    const { recipientName, recipientKey, message } = send;
    const { sentAt } = message;
    return appended.then(
      (stored): SendResult | Promise<SendResult> => {
        const recipient = this.sessions.get(recipientKey);
        if (recipient || !this.directory.distributed) {
          // The recipient's one session, if it has one anywhere, is this node's.
          const live = recipient?.online ?? false;
          recipient?.notify(stored);
          return { seq: stored.seq, sentAt, delivery: live ? "live" : "stored" };
        }
        // The message is stored either way; a failed wake-up only delays it to the catch-up read.
        return this.directory.announce(recipientKey, stored.seq).then(
          (live): SendResult => ({ seq: stored.seq, sentAt, delivery: live ? "live" : "stored" }),
          (error: unknown): SendResult => {
            this.reportError(error);
            return { seq: stored.seq, sentAt, delivery: "stored" };
          },
        );
      },
      (error: unknown) => {
        throw sendFailure(error, recipientName);
      },
    );
  }

  /**
   * An idempotent send: the store appends the message and records its answer under (sender, client message
   * id) in one step, or returns the answer recorded by an earlier send with that id.
   */
  private async sendOnce(
    session: Session,
    to: unknown,
    content: unknown,
    clientMessageId: unknown,
  ): Promise<SendResult> {
    let send: AdmittedSend | undefined;
    try {
      send = this.admitValidSend(session, to, content);
      const id = validateClientMessageId(clientMessageId);
      const { recipientKey, message } = send;
      const { sentAt } = message;
      const contentDigest = digestContent(message.content);
      // Decided before the append (a plain send decides after it), because the receipt that repeats it to
      // a retry is written in the same atomic step as the message.
      const local = this.sessions.get(recipientKey);
      const remote = local === undefined && this.directory.distributed;
      const live = remote ? await this.directory.isDelivering(recipientKey) : (local?.online ?? false);
      const delivery: DeliveryMode = live ? "live" : "stored";
      const outcome = await this.store.appendMessageOnce(
        recipientKey,
        message,
        {
          senderKey: session.key,
          clientMessageId: id,
          delivery,
          contentDigest,
          expiresAt: sentAt + SEND_DEDUPE_WINDOW_MS,
        },
        this.appendLimits,
      );
      if (outcome.repeated) {
        const { receipt } = outcome;
        if (receipt.recipientKey !== recipientKey || receipt.contentDigest !== contentDigest) {
          throw new ChatError(
            "INVALID_ARGUMENT",
            "this client message id was already used for a different message (another recipient or content)",
          );
        }
        return { seq: receipt.seq, sentAt: receipt.sentAt, delivery: receipt.delivery };
      }
      const recipient = this.sessions.get(recipientKey);
      if (recipient) recipient.notify(outcome.message);
      else if (this.directory.distributed) {
        // Only a wake-up: a lost one delays delivery to the catch-up read, never loses it.
        this.directory.announce(recipientKey, outcome.message.seq).catch(this.reportError);
      }
      return { seq: outcome.message.seq, sentAt, delivery };
    } catch (error) {
      throw sendFailure(error, send?.recipientName);
    }
  }

  /**
   * The checks every send makes before it reaches the store, in this order: the service is open, the
   * session live, the sender within its budget, the recipient and the content valid. What they throw is
   * never a store's refusal, so `sendFailure` leaves it as it is.
   */
  private admitValidSend(session: Session, to: unknown, content: unknown): AdmittedSend {
    this.usable();
    if (session.ended) throw sessionExpired();
    this.admitSend(session);
    const recipientName = validateUsername(to);
    const text = validateContent(content);
    return {
      recipientName,
      recipientKey: asciiLowerCase(recipientName),
      message: { from: session.username, content: text, sentAt: this.clock.now() },
    };
  }

  /**
   * Takes one send from the session's budget, or refuses it with a retry hint. Kept per account, so a new
   * login does not bring a fresh budget.
   */
  private admitSend(session: Session): void {
    const wait = this.sendsByAccount.take(session.key);
    if (wait > 0) throw retryLater("sending too fast", wait);
  }

  private async ack(session: Session, upToSeq: unknown): Promise<void> {
    this.usable();
    if (session.ended) throw sessionExpired();
    const seq = validateSequence(upToSeq);
    if (seq > session.offeredUpTo) {
      throw new ChatError(
        "INVALID_ARGUMENT",
        `cannot acknowledge message ${seq}: only messages up to ${session.offeredUpTo} were delivered`,
      );
    }
    if (seq <= session.ackedUpTo) return;
    session.ackedUpTo = seq;
    try {
      await this.directory.ackMessages(session.lease, seq);
    } catch (error) {
      // A refused (fenced) ack means another node may own the account now: this session is over.
      if (error instanceof ChatError && error.code === "UNAUTHENTICATED") this.expireSession(session);
      throw error;
    }
  }

  /**
   * Shuts the service down: every session ends (its sink hears `UNAVAILABLE`), every later call fails with
   * `UNAVAILABLE`. Stored messages stay stored. The store is left open for its owner to close.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    const reason = new ChatError("UNAVAILABLE", "the server is shutting down");
    const releases: Promise<unknown>[] = [];
    for (const session of this.sessions.values()) {
      const sink = session.attachedSink;
      session.detach();
      session.ended = true;
      // Released at once, so the accounts can log in on another node without waiting for expiry.
      releases.push(this.directory.release(session.lease), session.stopWatching?.() ?? Promise.resolve());
      sink?.ended?.(reason);
    }
    this.sessions.clear();
    for (const connection of [...this.connections]) connection.close();
    for (const result of await Promise.allSettled(releases)) {
      if (result.status === "rejected") this.reportError(result.reason);
    }
  }
}
