import fc from "fast-check";
import { expect, it } from "vitest";
import type { ChatClient } from "../chat-client.js";
import { ChatError } from "../chat-error.js";
import type { ConformanceWorld } from "./conformance-world.js";
import { Inbox } from "./inbox.js";

/** How many random command sequences each transport runs, and how long each may be. */
const MODEL_RUNS = 12;
const MAX_COMMANDS = 40;
const CLIENTS = 3;
const USER_STEMS = ["ann", "ben", "cy"] as const;
const RIGHT_PASSWORD = "model password";

type Command =
  | { kind: "register"; client: number; user: number; validPassword: boolean }
  | { kind: "login"; client: number; user: number; rightPassword: boolean; upperCase: boolean }
  | { kind: "logout"; client: number }
  | { kind: "send"; client: number; to: number; upperCase: boolean }
  | { kind: "deleteAccount"; client: number }
  | { kind: "list"; filter: number }
  | { kind: "ackAll"; client: number };

const clientIndex = fc.integer({ min: 0, max: CLIENTS - 1 });
const userIndex = fc.integer({ min: 0, max: USER_STEMS.length - 1 });

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant("register" as const),
    client: clientIndex,
    user: userIndex,
    validPassword: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("login" as const),
    client: clientIndex,
    user: userIndex,
    rightPassword: fc.boolean(),
    upperCase: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("logout" as const), client: clientIndex }),
  fc.record({
    kind: fc.constant("send" as const),
    client: clientIndex,
    to: userIndex,
    upperCase: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("send" as const),
    client: clientIndex,
    to: userIndex,
    upperCase: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("deleteAccount" as const), client: clientIndex }),
  fc.record({ kind: fc.constant("list" as const), filter: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant("ackAll" as const), client: clientIndex }),
);

/** The whole expected state of the chat for one run, kept as plainly as possible. */
class ChatModel {
  /** Registered users (by index), with their messages not yet acknowledged, oldest first. */
  readonly accounts = new Map<number, string[]>();
  /** Which user each client is logged in as. */
  readonly sessions: Array<number | undefined> = Array.from({ length: CLIENTS }, () => undefined);
  /** Contents each client must receive, in order, that it has not been checked for yet. */
  readonly expected: string[][] = Array.from({ length: CLIENTS }, () => []);

  clientOf(user: number): number | undefined {
    const client = this.sessions.indexOf(user);
    return client < 0 ? undefined : client;
  }
}

type Outcome = string;

async function outcomeOf(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
}

/**
 * Model-based randomized testing: random command sequences from several clients, each result checked
 * against a simple model of the chat, then every client's received messages checked against the model.
 */
export function describeConformanceModel(getWorld: () => ConformanceWorld): void {
  it("matches a simple model under random command sequences from several clients", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary, { minLength: 1, maxLength: MAX_COMMANDS }),
        async (commands) => {
          const world = getWorld();
          const prefix = `m${run++}_`;
          const names = USER_STEMS.map((stem) => `${prefix}${stem}`);
          const nameOf = (user: number, upperCase = false): string => {
            const name = names[user] as string;
            return upperCase ? name.toUpperCase() : name;
          };
          const clients: ChatClient[] = [];
          const inboxes: Inbox[] = [];
          for (let index = 0; index < CLIENTS; index++) {
            const client = await world.client();
            clients.push(client);
            inboxes.push(new Inbox(client));
          }
          const model = new ChatModel();
          const filters: Array<{ pattern: string; matches: (user: number) => boolean }> = [
            { pattern: `${prefix}*`, matches: () => true },
            { pattern: `${prefix.toUpperCase()}?*N`, matches: (user) => user === 0 || user === 1 },
            { pattern: `*${prefix}cy`, matches: (user) => user === 2 },
            { pattern: `${prefix}b\\en`, matches: (user) => user === 1 },
          ];
          let sendCount = 0;

          const settle = async (client: number): Promise<number> => {
            const expected = model.expected[client] as string[];
            const received = await (inboxes[client] as Inbox).take(expected.length);
            expect(received.map((message) => message.content)).toEqual(expected);
            expected.length = 0;
            return received.at(-1)?.seq ?? 0;
          };

          for (const command of commands) {
            const client =
              "client" in command ? (clients[command.client] as ChatClient) : (clients[0] as ChatClient);
            switch (command.kind) {
              case "register": {
                const outcome = await outcomeOf(
                  client.register(nameOf(command.user), command.validPassword ? RIGHT_PASSWORD : "short"),
                );
                let want = "OK";
                if (!command.validPassword) want = "INVALID_ARGUMENT";
                else if (model.accounts.has(command.user)) want = "ALREADY_EXISTS";
                else model.accounts.set(command.user, []);
                expect(outcome, JSON.stringify(command)).toBe(want);
                break;
              }
              case "login": {
                const outcome = await outcomeOf(
                  client.login(
                    nameOf(command.user, command.upperCase),
                    command.rightPassword ? RIGHT_PASSWORD : "wrong password",
                  ),
                );
                let want = "OK";
                if (model.sessions[command.client] !== undefined) want = "FAILED_PRECONDITION";
                else if (!model.accounts.has(command.user) || !command.rightPassword)
                  want = "UNAUTHENTICATED";
                else if (model.clientOf(command.user) !== undefined) want = "FAILED_PRECONDITION";
                else {
                  model.sessions[command.client] = command.user;
                  model.expected[command.client]?.push(...(model.accounts.get(command.user) ?? []));
                }
                expect(outcome, JSON.stringify(command)).toBe(want);
                break;
              }
              case "logout": {
                const session = model.sessions[command.client];
                if (session !== undefined) await settle(command.client);
                const outcome = await outcomeOf(client.logout());
                model.sessions[command.client] = undefined;
                expect(outcome, JSON.stringify(command)).toBe(
                  session === undefined ? "UNAUTHENTICATED" : "OK",
                );
                break;
              }
              case "send": {
                const content = `#${sendCount++}`;
                let result: Awaited<ReturnType<ChatClient["send"]>> | undefined;
                const outcome = await outcomeOf(
                  client.send(nameOf(command.to, command.upperCase), content).then((value) => {
                    result = value;
                  }),
                );
                const queue = model.accounts.get(command.to);
                let want = "OK";
                if (model.sessions[command.client] === undefined) want = "UNAUTHENTICATED";
                else if (queue === undefined) want = "NOT_FOUND";
                expect(outcome, JSON.stringify(command)).toBe(want);
                if (queue !== undefined && want === "OK") {
                  queue.push(content);
                  const recipientClient = model.clientOf(command.to);
                  if (recipientClient !== undefined) model.expected[recipientClient]?.push(content);
                  expect(result?.delivery, JSON.stringify(command)).toBe(
                    recipientClient === undefined ? "stored" : "live",
                  );
                }
                break;
              }
              case "deleteAccount": {
                const session = model.sessions[command.client];
                if (session !== undefined) await settle(command.client);
                const outcome = await outcomeOf(client.deleteAccount());
                if (session !== undefined) {
                  model.accounts.delete(session);
                  model.sessions[command.client] = undefined;
                }
                expect(outcome, JSON.stringify(command)).toBe(
                  session === undefined ? "UNAUTHENTICATED" : "OK",
                );
                break;
              }
              case "list": {
                const filter = filters[command.filter] as (typeof filters)[number];
                const page = await client.listAccounts({ pattern: filter.pattern });
                const want = [...model.accounts.keys()]
                  .filter((user) => filter.matches(user))
                  .sort((a, b) => a - b)
                  .map((user) => nameOf(user));
                expect(page.usernames, JSON.stringify(command)).toEqual(want);
                break;
              }
              case "ackAll": {
                const session = model.sessions[command.client];
                if (session === undefined) {
                  expect(await outcomeOf(client.ack(0)), JSON.stringify(command)).toBe("UNAUTHENTICATED");
                  break;
                }
                const lastSeq = await settle(command.client);
                if (lastSeq > 0) await client.ack(lastSeq);
                const queue = model.accounts.get(session);
                if (queue) queue.length = 0;
                break;
              }
            }
          }
          for (let index = 0; index < CLIENTS; index++) await settle(index);
          for (const inbox of inboxes) expect(await inbox.quiet(20)).toEqual([]);
          await Promise.all(clients.map((client) => client.close()));
        },
      ),
      { numRuns: MODEL_RUNS },
    );
  }, 120_000);
}
