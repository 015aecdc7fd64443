import {
  type AccountPage,
  type AccountQuery,
  AsyncQueue,
  type ChatClient,
  ChatError,
  type ClientState,
  type ClientStatus,
  type IncomingMessage,
  LocalClient,
  MAX_PAGE_SIZE,
} from "@chat/core";
import { createTestService } from "@chat/core/testing";
import { describe, expect, it } from "vitest";
import type { CommandOutcome } from "./command-outcome.js";
import { PromptSession } from "./prompt-session.js";

/** Records what a session shows. */
function recorder() {
  const results: CommandOutcome[] = [];
  const incoming: IncomingMessage[] = [];
  return {
    results,
    incoming,
    output: {
      result: (o: CommandOutcome) => results.push(o),
      incoming: (m: IncomingMessage) => incoming.push(m),
    },
  };
}

const notUsed = (): Promise<never> => Promise.reject(new Error("not used by this test"));

/** A client whose replies and deliveries the test controls. */
class StubClient implements ChatClient {
  readonly queue = new AsyncQueue<IncomingMessage>();
  readonly messages = this.queue;
  readonly closed = new Promise<ChatError | undefined>(() => {});
  readonly state: ClientState = "open";
  readonly outboxSize = 0;
  status = (): AsyncIterable<ClientStatus> => new AsyncQueue<ClientStatus>();
  readonly acks: number[] = [];
  readonly listQueries: AccountQuery[] = [];
  pages: AccountPage[] = [];
  logoutGate: Promise<void> = Promise.resolve();
  loginGate: Promise<void> = Promise.resolve();
  failWith: ChatError | undefined;
  connect = (): Promise<void> => Promise.resolve();
  register = notUsed;
  deleteAccount = notUsed;
  send = notUsed;
  close = (): Promise<void> => Promise.resolve();
  async login(username: string): Promise<{ username: string }> {
    if (this.failWith) throw this.failWith;
    await this.loginGate;
    return { username };
  }
  logout(): Promise<void> {
    return this.logoutGate;
  }
  async listAccounts(query: AccountQuery = {}): Promise<AccountPage> {
    this.listQueries.push(query);
    const page = this.pages.shift();
    if (page === undefined) throw new Error("no more pages");
    return page;
  }
  async ack(upToSeq: number): Promise<void> {
    this.acks.push(upToSeq);
  }
}

const message = (seq: number): IncomingMessage => ({ seq, from: "bob", content: `m${seq}`, sentAt: 0 });
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

/** A gate a stub call waits at (`passed`) until the test opens it, to hold the call half-way. */
function gate(): { readonly passed: Promise<void>; open(): void } {
  let open = (): void => {};
  const passed = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { passed, open };
}

/**
 * Submits `line` while the stub holds the call behind `held` half-way, and message `seq` arrives
 * meanwhile; resolves once the command and everything the session does after it are done.
 */
async function submitWhileMailArrives(
  session: PromptSession,
  client: StubClient,
  held: "loginGate" | "logoutGate",
  line: string,
  seq: number,
): Promise<void> {
  const callGate = gate();
  client[held] = callGate.passed;
  const submitted = session.submit(line);
  client.queue.push(message(seq));
  await settle();
  callGate.open();
  await submitted;
  await session.idle();
}

describe("PromptSession", () => {
  it("runs commands against a real service, shows incoming mail and acknowledges it", async () => {
    const service = createTestService();
    const aliceClient = new LocalClient(service);
    const bobClient = new LocalClient(service);
    await Promise.all([aliceClient.connect(), bobClient.connect()]);
    const alice = recorder();
    const bob = recorder();
    const aliceSession = new PromptSession(aliceClient, alice.output);
    const bobSession = new PromptSession(bobClient, bob.output);
    void aliceSession.receive();
    void bobSession.receive();

    await aliceSession.submit("register alice password1");
    await bobSession.submit("register bob password2");
    await aliceSession.submit("login alice password1");
    expect(await aliceSession.submit("message bob offline hello")).toEqual({
      kind: "sent",
      to: "bob",
      seq: 1,
      delivery: "stored",
    });
    await bobSession.submit("login bob password2");
    await expect.poll(() => bob.incoming.map((m) => m.content)).toEqual(["offline hello"]);
    await bobSession.idle();
    // Acknowledged: a new login does not get it again.
    await bobSession.submit("logout");
    await bobSession.submit("login bob password2");
    await bobSession.submit("message alice live reply");
    await expect.poll(() => alice.incoming.map((m) => m.content)).toEqual(["live reply"]);
    await settle();
    expect(bob.incoming).toHaveLength(1);

    expect(await aliceSession.submit("accfilter b*")).toEqual({
      kind: "accounts",
      usernames: ["bob"],
      pattern: "b*",
    });
    expect(await aliceSession.submit("register alice password1")).toMatchObject({
      kind: "failed",
      error: { code: "ALREADY_EXISTS" },
    });
    expect(alice.results.map((o) => o.kind)).toEqual([
      "registered",
      "loggedIn",
      "sent",
      "accounts",
      "failed",
    ]);
  });

  it("answers usage, unknown commands, help and quit without the server, and ignores blank lines", async () => {
    const client = new StubClient();
    const shown = recorder();
    const session = new PromptSession(client, shown.output);
    expect(await session.submit("   ")).toBeUndefined();
    expect(await session.submit("login alice")).toEqual({ kind: "usage", command: "login" });
    expect(await session.submit("dance")).toEqual({ kind: "unknown", name: "dance" });
    expect(await session.submit("help")).toEqual({ kind: "help" });
    expect(await session.submit("quit")).toEqual({ kind: "quit" });
    expect(shown.results).toHaveLength(4);
  });

  it("follows nextCursor through every page of a listing, asking for the largest pages", async () => {
    const client = new StubClient();
    client.pages = [
      { usernames: ["a1", "a2"], nextCursor: "c1" },
      { usernames: [], nextCursor: "c2" },
      { usernames: ["a3"] },
    ];
    const session = new PromptSession(client, recorder().output);
    expect(await session.submit("accfilter a*")).toEqual({
      kind: "accounts",
      usernames: ["a1", "a2", "a3"],
      pattern: "a*",
    });
    expect(client.listQueries).toEqual([
      { pageSize: MAX_PAGE_SIZE, pattern: "a*" },
      { pageSize: MAX_PAGE_SIZE, pattern: "a*", cursor: "c1" },
      { pageSize: MAX_PAGE_SIZE, pattern: "a*", cursor: "c2" },
    ]);
  });

  it("acknowledges after showing, and never acks into a session that has ended", async () => {
    const client = new StubClient();
    const shown = recorder();
    const session = new PromptSession(client, shown.output);
    void session.receive();
    await session.submit("login alice pw");
    client.queue.push(message(1));
    client.queue.push(message(2));
    await settle();
    // "Up to" acks: however they were batched, the last one covers both.
    expect(client.acks.at(-1)).toBe(2);
    const acksBefore = client.acks.length;

    // Arrives while the logout is on its way: shown, but its ack could land in the next account's log.
    await submitWhileMailArrives(session, client, "logoutGate", "logout", 3);
    expect(shown.incoming.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(client.acks).toHaveLength(acksBefore);

    await session.submit("login carol pw");
    client.queue.push(message(1));
    await settle();
    expect(client.acks.slice(acksBefore)).toEqual([1]);
  });

  it("shows mail that arrives during a login after the login's result", async () => {
    const client = new StubClient();
    const order: string[] = [];
    const session = new PromptSession(client, {
      result: (outcome) => order.push(outcome.kind),
      incoming: (incoming) => order.push(incoming.content),
    });
    void session.receive();
    await submitWhileMailArrives(session, client, "loginGate", "login alice pw", 1);
    expect(order).toEqual(["loggedIn", "m1"]);
    expect(client.acks).toEqual([1]);
  });

  it("reports UNAVAILABLE as a lost connection instead of a command result", async () => {
    const client = new StubClient();
    client.failWith = new ChatError("UNAVAILABLE", "the server is shutting down");
    const shown = recorder();
    const session = new PromptSession(client, shown.output);
    await session.submit("login alice pw");
    await expect(session.lost).resolves.toMatchObject({ code: "UNAVAILABLE" });
    expect(shown.results).toEqual([]);
  });
});
