import type { AccountPage, AccountQuery } from "./account-page.js";
import { ChatClientBase } from "./chat-client-base.js";
import type { ChatClientOptions, RequestOptions, SendOptions } from "./chat-client-options.js";
import type { ChatConnection, LoginResult } from "./chat-connection.js";
import { ChatError } from "./chat-error.js";
import type { ChatService } from "./chat-service.js";
import type { ClientRequest } from "./client-request.js";
import type { SendResult } from "./delivery.js";

/**
 * A {@link ChatClient} that calls a {@link ChatService} in the same process: no transport at all. The
 * reference the real transports are measured against, and handy for embedding the chat in an app. Its
 * calls have the same deadline and signal handling as every other client's (see `ChatClientBase`).
 */
export class LocalClient extends ChatClientBase {
  private connection: ChatConnection | undefined;

  constructor(
    private readonly service: ChatService,
    options: ChatClientOptions = {},
  ) {
    super(options);
  }

  /** The connection; only called while the client is open, when it exists. */
  private get open(): ChatConnection {
    if (this.connection === undefined) throw new ChatError("UNAVAILABLE", "the client is not connected");
    return this.connection;
  }

  protected openTransport(attempt: ClientRequest<void>): void {
    this.connection = this.service.connect();
    attempt.resolve();
  }

  register(username: string, password: string, options?: RequestOptions): Promise<void> {
    return this.perform(options, () => this.open.register(username, password));
  }

  login(username: string, password: string, options?: RequestOptions): Promise<LoginResult> {
    return this.perform(options, async () => {
      const connection = this.open;
      const result = await connection.login(username, password);
      connection.attach({
        deliver: (message) => {
          this.incoming.push(message);
          return true;
        },
        ended: (reason) => this.fail(reason),
      });
      return result;
    });
  }

  logout(options?: RequestOptions): Promise<void> {
    return this.perform(options, () => this.open.logout());
  }

  deleteAccount(options?: RequestOptions): Promise<void> {
    return this.perform(options, () => this.open.deleteAccount());
  }

  listAccounts(query?: AccountQuery, options?: RequestOptions): Promise<AccountPage> {
    return this.perform(options, () => this.open.listAccounts(query));
  }

  send(to: string, content: string, options?: SendOptions): Promise<SendResult> {
    return this.perform(options, () => this.open.send(to, content, options?.clientMessageId));
  }

  ack(upToSeq: number, options?: RequestOptions): Promise<void> {
    return this.perform(options, () => this.open.ack(upToSeq));
  }

  protected releaseTransport(): void {
    this.connection?.close();
  }
}
