import type { AccountPage, AccountQuery } from "./account-page.js";
import type { ChatConnection } from "./chat-connection.js";
import type { SendResult } from "./delivery.js";
import type { Session } from "./session.js";

/** @internal What a `ChatConnection` asks of its `ChatService`. */
export interface ServiceInternals {
  register(username: unknown, password: unknown): Promise<void>;
  listAccounts(query: AccountQuery): Promise<AccountPage>;
  openSession(username: unknown, password: unknown): Promise<Session>;
  endSession(session: Session): void;
  deleteAccount(session: Session): Promise<void>;
  send(session: Session, to: unknown, content: unknown, clientMessageId?: unknown): Promise<SendResult>;
  ack(session: Session, upToSeq: unknown): Promise<void>;
  connectionClosed(connection: ChatConnection): void;
}
