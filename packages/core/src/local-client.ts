import type { AccountPage, AccountQuery } from "./account-page.js";
import { ChatClientBase, type OutgoingSend } from "./chat-client-base.js";
import type { ChatClientOptions } from "./chat-client-options.js";
import type { ChatConnection, LoginResult } from "./chat-connection.js";
import { ChatError } from "./chat-error.js";
import type { ChatService } from "./chat-service.js";
import type { ClientRequest } from "./client-request.js";
import type { SendResult } from "./delivery.js";

/** Settles `request` with the outcome of an in-process call; whatever it throws becomes a `ChatError`. */
function settle<T>(request: ClientRequest<T>, work: () => Promise<T>): void {
  let promise: Promise<T>;
  try {
    promise = work();
  } catch (error) {
    request.reject(ChatError.from(error));
    return;
  }
  promise.then(
    (value) => request.resolve(value),
    (error: unknown) => request.reject(ChatError.from(error)),
  );
}

/** Options of a {@link LocalClient}: core's client settings, plus who the embedding application says it is. */
export interface LocalClientOptions extends ChatClientOptions {
  /**
   * The network address of the person this client acts for (an embedding web app's visitor), so per-address
   * limits count them apart; absent, every local client counts as one source.
   */
  readonly peerAddress?: string;
}

/**
 * A signal that aborts when `request` is abandoned (its deadline passed, its signal aborted, the client
 * closed), so core skips the password hash still queued for it, as a server does for a cancelled call.
 */
function abandonSignal<T>(request: ClientRequest<T>): AbortSignal {
  const controller = new AbortController();
  request.cancelWith({ cancel: () => controller.abort() });
  return controller.signal;
}

/**
 * A {@link ChatClient} that calls a {@link ChatService} in the same process: no transport at all. The
 * reference the real transports are measured against, and handy for embedding the chat in an app. Its
 * calls have the same deadline and signal handling as every other client's (see `ChatClientBase`). Its
 * "connection" is lost only when the service shuts down; with `reconnect` on it then tries to connect
 * again, which succeeds only with a service that accepts connections again (never the same one).
 */
export class LocalClient extends ChatClientBase {
  private connection: ChatConnection | undefined;

  private readonly peerAddress: string | undefined;

  constructor(
    private readonly service: ChatService,
    options: LocalClientOptions = {},
  ) {
    super(options);
    this.peerAddress = options.peerAddress;
  }

  /** The connection; only called while the client is open, when it exists. */
  private get open(): ChatConnection {
    if (this.connection === undefined) throw new ChatError("UNAVAILABLE", "the client is not connected");
    return this.connection;
  }

  protected openTransport(attempt: ClientRequest<void>): void {
    this.connection = this.service.connect(
      this.peerAddress === undefined ? {} : { peerAddress: this.peerAddress },
    );
    attempt.resolve();
  }

  protected carryRegister(username: string, password: string, request: ClientRequest<void>): void {
    settle(request, () => this.open.register(username, password, { signal: abandonSignal(request) }));
  }

  protected carryLogin(username: string, password: string, request: ClientRequest<LoginResult>): void {
    settle(request, async () => {
      const connection = this.open;
      const result = await connection.login(username, password, { signal: abandonSignal(request) });
      connection.attach({
        deliver: (message) => {
          if (this.connection === connection) this.deliver(message);
          return true;
        },
        ended: (reason) => {
          if (this.connection === connection) this.connectionLost(reason);
        },
      });
      return result;
    });
  }

  protected carryLogout(request: ClientRequest<void>): void {
    settle(request, () => this.open.logout());
  }

  protected carryDeleteAccount(request: ClientRequest<void>): void {
    settle(request, () => this.open.deleteAccount());
  }

  protected carryListAccounts(query: AccountQuery, request: ClientRequest<AccountPage>): void {
    settle(request, () => this.open.listAccounts(query));
  }

  protected carrySend(send: OutgoingSend, request: ClientRequest<SendResult>): void {
    settle(request, () => this.open.send(send.to, send.content, send.clientMessageId));
  }

  protected carryAck(upToSeq: number, request: ClientRequest<void>): void {
    settle(request, () => this.open.ack(upToSeq));
  }

  protected dropTransport(): void {
    const connection = this.connection;
    this.connection = undefined;
    connection?.close();
  }

  protected releaseTransport(): void {
    this.dropTransport();
  }
}
