import type { ChatClient } from "../chat-client.js";
import { ChatError } from "../chat-error.js";
import type { ChatService, ChatServiceOptions } from "../chat-service.js";
import {
  type ConformanceServer,
  createTestHasher,
  createTestService,
  type StartConformanceServer,
} from "./harness.js";
import { HeldHasher } from "./held-hasher.js";
import { ARRIVAL_TIMEOUT_MS, Inbox } from "./inbox.js";

/** The password conformance users get unless a test says otherwise. */
export const PASSWORD = "correct horse";

/** A client with its inbox, logged in as `username`. */
export interface TestUser {
  readonly client: ChatClient;
  readonly inbox: Inbox;
  readonly username: string;
}

/** One test's server, service and clients; `dispose()` tears all of it down. */
export class ConformanceWorld {
  private readonly clients: ChatClient[] = [];

  private constructor(
    readonly service: ChatService,
    readonly server: ConformanceServer,
    private readonly hasher: HeldHasher,
  ) {}

  /**
   * Starts a fresh service (with `options`, for tests of a configurable limit) and a server of the
   * transport under test in front of it.
   */
  static async start(
    startServer: StartConformanceServer,
    options: Partial<ChatServiceOptions> = {},
  ): Promise<ConformanceWorld> {
    const hasher = new HeldHasher(createTestHasher());
    const service = createTestService({ hasher, ...options });
    const services = {
      createService: (nodeOptions: Partial<ChatServiceOptions>) =>
        createTestService({ ...options, ...nodeOptions, hasher }),
    };
    return new ConformanceWorld(service, await startServer(service, services), hasher);
  }

  /**
   * Holds the service's password hashing until the returned function is called (or the test ends): every
   * registration and login stays unanswered meanwhile, for tests of deadlines, aborts and close.
   */
  holdPasswordHashing(): () => void {
    return this.hasher.hold();
  }

  /** A new connected client, closed at the end of the test. */
  async client(): Promise<ChatClient> {
    const client = await this.server.connect();
    this.clients.push(client);
    return client;
  }

  /**
   * A new connected client that reaches the server from `sourceAddress` (in 127.0.0.0/8), closed at the
   * end of the test; `undefined` when the transport under test cannot choose (the test then skips).
   */
  async clientFrom(sourceAddress: string): Promise<ChatClient | undefined> {
    if (this.server.connectFrom === undefined) return undefined;
    const client = await this.server.connectFrom(sourceAddress);
    this.clients.push(client);
    return client;
  }

  /** How many password hashes and checks have run in this world's service (throttled ones never do). */
  get hashesRun(): number {
    return this.hasher.ran;
  }

  /** A new client and its inbox, not logged in. */
  async guest(): Promise<{ client: ChatClient; inbox: Inbox }> {
    const client = await this.client();
    return { client, inbox: new Inbox(client) };
  }

  /** Registers `username` (from a throwaway connection of the same client) and logs in on a new client. */
  async user(username: string, password = PASSWORD): Promise<TestUser> {
    const { client, inbox } = await this.guest();
    await client.register(username, password);
    await client.login(username, password);
    return { client, inbox, username };
  }

  /** {@link user} for each of `usernames`, one after another: one user per name, in the same order. */
  async users<const Names extends readonly string[]>(
    ...usernames: Names
  ): Promise<{ -readonly [Index in keyof Names]: TestUser }> {
    const users: TestUser[] = [];
    for (const username of usernames) users.push(await this.user(username));
    // The array has exactly one user per name, in order: what the tuple type says.
    return users as { -readonly [Index in keyof Names]: TestUser };
  }

  /**
   * Logs in, retrying while the account is still logged in elsewhere: a transport may need a moment to
   * notice that a dropped connection's session is gone.
   */
  async loginEventually(client: ChatClient, username: string, password = PASSWORD): Promise<void> {
    const deadline = Date.now() + ARRIVAL_TIMEOUT_MS * 2;
    for (;;) {
      try {
        await client.login(username, password);
        return;
      } catch (error) {
        const retry =
          error instanceof ChatError && error.code === "FAILED_PRECONDITION" && Date.now() < deadline;
        if (!retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Closes every client, stops the server and the service. */
  async dispose(): Promise<void> {
    this.hasher.release();
    await Promise.allSettled(this.clients.map((client) => client.close()));
    await this.server.stop();
    await this.service.close();
  }
}
