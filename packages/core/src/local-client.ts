import type { AccountPage, AccountQuery } from "./account-page.js";
import { AsyncQueue } from "./async-queue.js";
import type { ChatClient } from "./chat-client.js";
import type { ChatConnection, LoginResult } from "./chat-connection.js";
import { ChatError } from "./chat-error.js";
import type { ChatService } from "./chat-service.js";
import type { IncomingMessage, SendOptions, SendResult } from "./delivery.js";

/**
 * A {@link ChatClient} that calls a {@link ChatService} in the same process: no transport at all. The
 * reference the real transports are measured against, and handy for embedding the chat in an app.
 */
export class LocalClient implements ChatClient {
  private connection: ChatConnection | undefined;
  private readonly incoming = new AsyncQueue<IncomingMessage>();
  private resolveClosed: (reason: ChatError | undefined) => void = () => {};

  /** @inheritDoc */
  readonly messages: AsyncIterable<IncomingMessage> = this.incoming;
  /** @inheritDoc */
  readonly closed: Promise<ChatError | undefined> = new Promise((resolve) => {
    this.resolveClosed = resolve;
  });

  constructor(private readonly service: ChatService) {}

  private get open(): ChatConnection {
    if (!this.connection || this.connection.isClosed) {
      throw new ChatError("UNAVAILABLE", "the client is not connected");
    }
    return this.connection;
  }

  async connect(): Promise<void> {
    if (this.incoming.isEnded) throw new ChatError("UNAVAILABLE", "the client was closed");
    this.connection ??= this.service.connect();
  }

  async register(username: string, password: string): Promise<void> {
    await this.open.register(username, password);
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const connection = this.open;
    const result = await connection.login(username, password);
    connection.attach({
      deliver: (message) => {
        this.incoming.push(message);
        return true;
      },
      ended: (reason) => this.finish(reason),
    });
    return result;
  }

  async logout(): Promise<void> {
    await this.open.logout();
  }

  async deleteAccount(): Promise<void> {
    await this.open.deleteAccount();
  }

  async listAccounts(query?: AccountQuery): Promise<AccountPage> {
    return this.open.listAccounts(query);
  }

  async send(to: string, content: string, options?: SendOptions): Promise<SendResult> {
    return this.open.send(to, content, options?.clientMessageId);
  }

  async ack(upToSeq: number): Promise<void> {
    await this.open.ack(upToSeq);
  }

  private finish(reason: ChatError | undefined): void {
    this.connection?.close();
    this.incoming.end();
    this.resolveClosed(reason);
  }

  async close(): Promise<void> {
    this.finish(undefined);
  }
}
