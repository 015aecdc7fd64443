import type { AccountPage, AccountQuery } from "./account-page.js";
import type { ChatConnection } from "./chat-connection.js";
import type { SendResult } from "./delivery.js";
import type { ScanBudget } from "./scan-budget.js";
import type { Session } from "./session.js";

/** @internal Who is asking, as a connection tells its service: for per-address limits and abandoned work. */
export interface CallContext {
  /** The source address the request came from, as `sourceOf` keys it. */
  readonly source: string;
  /** Aborts once nobody waits for the answer any more (the connection closed, the call was cancelled). */
  readonly signal: AbortSignal;
}

/** @internal What a `ChatConnection` asks of its `ChatService`. */
export interface ServiceInternals {
  register(username: unknown, password: unknown, call: CallContext): Promise<void>;
  /** Admits one listing request from `call` (or throws `RESOURCE_EXHAUSTED`) and returns its scan budget. */
  beginListing(call: CallContext): ScanBudget;
  listAccounts(query: AccountQuery, budget: ScanBudget): Promise<AccountPage>;
  openSession(username: unknown, password: unknown, call: CallContext): Promise<Session>;
  endSession(session: Session): void;
  deleteAccount(session: Session): Promise<void>;
  send(session: Session, to: unknown, content: unknown, clientMessageId?: unknown): Promise<SendResult>;
  ack(session: Session, upToSeq: unknown): Promise<void>;
  connectionClosed(connection: ChatConnection): void;
}
