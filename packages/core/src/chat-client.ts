import type { AccountPage, AccountQuery } from "./account-page.js";
import type { ClientState, RequestOptions, SendOptions } from "./chat-client-options.js";
import type { LoginResult } from "./chat-connection.js";
import type { ChatError } from "./chat-error.js";
import type { ClientStatus } from "./client-status.js";
import type { IncomingMessage, SendResult } from "./delivery.js";

/**
 * What every transport's client offers, so applications and the conformance suite can use any of them the
 * same way. Every failing call rejects with a `ChatError` carrying the server's code and message.
 *
 * Every call takes {@link RequestOptions} as its last parameter: an `AbortSignal` and a deadline of its own.
 * Each request has a deadline (by default `DEFAULT_REQUEST_TIMEOUT_MS`, the same on every transport); a
 * request that passes it or is aborted rejects with `UNAVAILABLE` and may still have taken effect on the
 * server. Implementations extend `ChatClientBase`, which does all of this once.
 */
export interface ChatClient {
  /** Where the client is in its life; see {@link ClientState}. */
  readonly state: ClientState;
  /**
   * Opens the connection. Resolves once the client can send requests. Safe to call again when open. A
   * connect that fails (or passes `connectTimeoutMs`, or is aborted) closes the client for good: `closed`
   * settles with the error; make a new client to try again.
   */
  connect(options?: RequestOptions): Promise<void>;
  /** Creates an account. */
  register(username: string, password: string, options?: RequestOptions): Promise<void>;
  /** Logs in; on success incoming messages start arriving on {@link messages}, stored ones first. */
  login(username: string, password: string, options?: RequestOptions): Promise<LoginResult>;
  /** Logs out; unacknowledged messages stay stored for the next login. */
  logout(options?: RequestOptions): Promise<void>;
  /** Deletes the logged-in account and its queued mail, and logs out. */
  deleteAccount(options?: RequestOptions): Promise<void>;
  /** One page of account names, optionally filtered by a wildcard. */
  listAccounts(query?: AccountQuery, options?: RequestOptions): Promise<AccountPage>;
  /**
   * Sends a message to a user; with `options.clientMessageId`, idempotently. A client that reconnects
   * keeps the send in its outbox until it is answered (or given up) and resends it after a reconnect with
   * its client message id (a random one when the caller gave none), so it is stored once.
   */
  send(to: string, content: string, options?: SendOptions): Promise<SendResult>;
  /** Acknowledges every received message up to and including `upToSeq`. */
  ack(upToSeq: number, options?: RequestOptions): Promise<void>;
  /**
   * Every message delivered to the logged-in account, in order, each once: a seq already handed out and
   * delivered again (after a reconnect) is dropped. Ends when the client ends.
   */
  readonly messages: AsyncIterable<IncomingMessage>;
  /**
   * What happens to the connection from now on (lost, reconnecting, back, closed; see
   * {@link ClientStatus}). Each call gives a new iterable; it ends after the `closed` event.
   */
  status(): AsyncIterable<ClientStatus>;
  /** Sends not answered yet: made, maybe sent, waiting for their answer or for the connection to return. */
  readonly outboxSize: number;
  /**
   * Settles when the client has ended and its transport is released, for whatever reason: resolves with
   * `undefined` after `close()`, or with the error that ended it (the server went away, was shut down, or
   * dropped the connection and the client does not reconnect or gave up; the session was taken over or
   * the account deleted while reconnecting; `connect()` failed). It never rejects.
   */
  readonly closed: Promise<ChatError | undefined>;
  /**
   * Closes the connection; requests still in flight reject with `UNAVAILABLE`. The session, if any, ends;
   * unacknowledged messages stay stored. Safe to call more than once; resolves once `closed` has settled.
   */
  close(): Promise<void>;
}
