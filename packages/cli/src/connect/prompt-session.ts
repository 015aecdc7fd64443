import { type ChatClient, ChatError, type IncomingMessage, MAX_PAGE_SIZE } from "@chat/core";
import { AckCoalescer } from "@chat/core/adapter";
import { firstLine } from "../cli-failure.js";
import type { CommandOutcome } from "./command-outcome.js";
import { type Command, type ParsedLine, parseCommand } from "./parse-command.js";
import { SerialQueue } from "./serial-queue.js";

/** Where a {@link PromptSession} shows what happens; the interactive and scripted modes each provide one. */
export interface SessionOutput {
  /** Shows a command's outcome. Called once per command, in the order the commands were submitted. */
  result(outcome: CommandOutcome): void;
  /**
   * Shows an incoming message. The message is acknowledged (and so deleted from the server) right after
   * this returns, so it must have been written out by then.
   */
  incoming(message: IncomingMessage, delivery: IncomingDelivery): void;
}

/** What the session can tell about how an incoming message reached this connection. */
export interface IncomingDelivery {
  /**
   * The message was waiting for the account and came with the login ("while you were away"), as opposed
   * to arriving live. The protocols do not mark this, so the session infers it: a message counts as stored
   * when it arrived before the login's reply, or was sent (by the server's clock) before the login began
   * (by this machine's). A server whose clock runs far ahead of this one can make a stored message look
   * live; it is a display hint, never used to decide anything.
   */
  readonly stored: boolean;
}

function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  // A failure inside the client library rather than an answer from the server: keep its own words.
  return new ChatError("INTERNAL", firstLine(error), { cause: error });
}

/**
 * The prompt's logic, independent of any terminal: runs command lines against a {@link ChatClient} one at a
 * time, in order, and shows and acknowledges incoming messages.
 *
 * Acknowledgements ride the same queue as commands, so one is never sent in the middle of a login or
 * logout. Each one is tagged with the session ("epoch") it was received in and dropped if that session has
 * ended by the time it would be sent: sequence numbers are per account, so an ack that reached the next
 * account to log in on this connection could delete messages nobody has seen. Dropping one only means the
 * message is delivered again at the next login, which is the safe direction.
 */
export class PromptSession {
  private readonly queue = new SerialQueue();
  /** Whether a login succeeded and no logout or delete has started since. */
  private live = false;
  /** Its session epoch is bumped whenever the account this connection receives for may change. */
  private readonly acks = new AckCoalescer({
    send: (upToSeq) => this.client.ack(upToSeq),
    canSend: () => this.live,
    schedule: (flush) => void this.queue.run(flush),
    // Unacknowledged messages come again at the next login; a lost server is reported by `closed`.
    onError: () => {},
  });
  private reportLost: (reason: ChatError) => void = () => {};
  /** When the latest login began (local clock, ms since the epoch); messages sent before it were stored. */
  private loginStartedAt = 0;
  /** Messages that arrived while a login was on its way, shown once its result has been. */
  private held: IncomingMessage[] | undefined;

  /**
   * Settles when a command failed with `UNAVAILABLE`: the connection is unusable (the server went away or
   * is shutting down). Such a failure is not shown as a command result; the caller reports the loss once.
   * Some transports (gRPC between logins) only notice a dead server when a call fails, so this complements
   * the client's own `closed`.
   */
  readonly lost: Promise<ChatError> = new Promise((resolve) => {
    this.reportLost = resolve;
  });

  /**
   * `unavailableIsLoss` (default true): a command failing with `UNAVAILABLE` settles {@link lost} instead
   * of being shown. A client that reconnects turn it off: then such a failure (a deadline passed while the
   * connection was away, a login whose answer was lost) is one more command result, and the session goes on.
   */
  constructor(
    private readonly client: ChatClient,
    private readonly output: SessionOutput,
    private readonly unavailableIsLoss = true,
  ) {}

  /**
   * Queues one line of input. Resolves with its outcome once `output.result` has shown it (or `lost` has
   * settled), or with `undefined` for a blank line, which is not a command and gets no reply.
   */
  submit(line: string): Promise<CommandOutcome | undefined> {
    const parsed = parseCommand(line);
    if (parsed.kind === "empty") return Promise.resolve(undefined);
    return this.enqueue(parsed);
  }

  /**
   * Queues a command that was put together rather than typed on one line: the interactive prompt's
   * `login USR` followed by a hidden password. Runs and shows exactly like {@link submit}.
   */
  submitCommand(command: Command): Promise<CommandOutcome> {
    return this.enqueue({ kind: "command", command });
  }

  private enqueue(parsed: Exclude<ParsedLine, { kind: "empty" }>): Promise<CommandOutcome> {
    return this.queue.run(async () => {
      const outcome = await this.execute(parsed);
      if (this.unavailableIsLoss && outcome.kind === "failed" && outcome.error.code === "UNAVAILABLE") {
        this.reportLost(outcome.error);
      } else this.output.result(outcome);
      this.releaseHeld();
      return outcome;
    });
  }

  /** Resolves once every line submitted so far has been run and shown. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Shows and acknowledges incoming messages as they arrive, until the connection's message stream ends.
   * Start it once, right after connecting.
   */
  async receive(): Promise<void> {
    for await (const message of this.client.messages) {
      if (this.held) this.held.push(message);
      else this.show(message, message.sentAt < this.loginStartedAt);
    }
  }

  private show(message: IncomingMessage, stored: boolean): void {
    this.output.incoming(message, { stored });
    this.acknowledge(message.seq);
  }

  /**
   * Stored messages may arrive before the login's own reply is handed over; holding them until the login
   * result is shown keeps the output in the order that makes sense (`ok login` first, then the mail).
   */
  private releaseHeld(): void {
    const held = this.held;
    this.held = undefined;
    // Held messages arrived before the login's reply: they were waiting for the account.
    for (const message of held ?? []) this.show(message, true);
  }

  /** One queued flush covers every message that arrives before it runs: "ack up to" needs only the highest. */
  private acknowledge(seq: number): void {
    this.acks.offer(seq);
  }

  private async execute(parsed: Exclude<ParsedLine, { kind: "empty" }>): Promise<CommandOutcome> {
    if (parsed.kind === "usage") return { kind: "usage", command: parsed.name };
    if (parsed.kind === "unknown") return { kind: "unknown", name: parsed.name };
    const { command } = parsed;
    try {
      return await this.run(command);
    } catch (error) {
      return { kind: "failed", command: command.name, error: toChatError(error) };
    }
  }

  private async run(command: Command): Promise<CommandOutcome> {
    switch (command.name) {
      case "register":
        await this.client.register(command.username, command.password);
        return { kind: "registered", username: command.username };
      case "login":
        return this.login(command.username, command.password);
      case "logout":
        await this.endSession(() => this.client.logout());
        return { kind: "loggedOut" };
      case "deleteacc":
        await this.endSession(() => this.client.deleteAccount());
        return { kind: "deleted" };
      case "accdump":
        return { kind: "accounts", usernames: await this.listAll(undefined) };
      case "accfilter":
        return { kind: "accounts", usernames: await this.listAll(command.pattern), pattern: command.pattern };
      case "message": {
        const sent = await this.client.send(command.to, command.content);
        return { kind: "sent", to: command.to, seq: sent.seq, delivery: sent.delivery };
      }
      case "help":
        return command.topic === undefined ? { kind: "help" } : { kind: "help", topic: command.topic };
      case "quit":
        return { kind: "quit" };
    }
  }

  private async login(username: string, password: string): Promise<CommandOutcome> {
    // Messages arriving from here on belong to the account logging in. When a session is already live the
    // login is refused and the live session's messages keep their epoch.
    if (!this.live) {
      this.acks.newSession();
      this.loginStartedAt = Date.now();
    }
    this.held = [];
    const result = await this.client.login(username, password);
    this.live = true;
    return { kind: "loggedIn", username: result.username };
  }

  private async endSession(end: () => Promise<void>): Promise<void> {
    const wasLive = this.live;
    if (wasLive) {
      this.acks.newSession();
      this.live = false;
    }
    try {
      await end();
    } catch (error) {
      // Refused: the same session goes on, so what arrived meanwhile is still its mail.
      this.live = wasLive;
      throw error;
    }
  }

  /** Every account matching `pattern`, following `nextCursor` through all pages. */
  private async listAll(pattern: string | undefined): Promise<string[]> {
    const usernames: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listAccounts({
        pageSize: MAX_PAGE_SIZE,
        ...(pattern === undefined ? {} : { pattern }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      usernames.push(...page.usernames);
      // A cursor that does not move would loop forever; a correct server never sends one.
      if (page.nextCursor !== undefined && page.nextCursor === cursor) {
        throw new ChatError("INTERNAL", "the server repeated a listing cursor");
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return usernames;
  }
}
