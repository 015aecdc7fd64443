import type { AccountPage, AccountQuery } from "./account-page.js";
import type { LoginResult } from "./chat-connection.js";
import type { ChatError } from "./chat-error.js";
import type { IncomingMessage, SendOptions, SendResult } from "./delivery.js";

/**
 * What every transport's client offers, so applications and the conformance suite can use any of them the
 * same way. Every failing call rejects with a `ChatError` carrying the server's code and message.
 */
export interface ChatClient {
  /** Opens the connection. Resolves once the client can send requests. Safe to call again when open. */
  connect(): Promise<void>;
  /** Creates an account. */
  register(username: string, password: string): Promise<void>;
  /** Logs in; on success incoming messages start arriving on {@link messages}, stored ones first. */
  login(username: string, password: string): Promise<LoginResult>;
  /** Logs out; unacknowledged messages stay stored for the next login. */
  logout(): Promise<void>;
  /** Deletes the logged-in account and its queued mail, and logs out. */
  deleteAccount(): Promise<void>;
  /** One page of account names, optionally filtered by a wildcard. */
  listAccounts(query?: AccountQuery): Promise<AccountPage>;
  /** Sends a message to a user; with `options.clientMessageId`, idempotently (see `SendOptions`). */
  send(to: string, content: string, options?: SendOptions): Promise<SendResult>;
  /** Acknowledges every received message up to and including `upToSeq`. */
  ack(upToSeq: number): Promise<void>;
  /** Every message delivered on this connection, in order. Ends when the connection closes. */
  readonly messages: AsyncIterable<IncomingMessage>;
  /**
   * Settles when the connection has ended, for whatever reason: resolves with `undefined` after `close()`,
   * or with the error that ended it (the server went away, was shut down, or dropped the connection).
   */
  readonly closed: Promise<ChatError | undefined>;
  /** Closes the connection. The session, if any, ends; unacknowledged messages stay stored. */
  close(): Promise<void>;
}
