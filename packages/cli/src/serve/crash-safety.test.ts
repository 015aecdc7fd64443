// Crash safety of the default SQLite store, end to end: a real `chat-cli serve` killed with SIGKILL while a
// client sends, restarted on the same database file, several times over.
import { join } from "node:path";
import type { IncomingMessage } from "@chat/core";
import { Inbox, PASSWORD } from "@chat/core/testing";
import { WireClient } from "@chat/wire";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../testing/built-cli.js";
import { killAllCliProcesses } from "../testing/cli-process.js";
import { temporaryDirectoryForFile } from "../testing/temporary-directory.js";
import { portOf, startTestServer, type TestServer } from "../testing/test-server.js";

/** How many times the server is killed. */
const KILLS = 4;
/** Sends kept in flight by the sender, so kills land mid-commit. */
const WINDOW = 128;
/** Confirmed sends per round before the kill may come (then a random further moment). */
const MIN_CONFIRMED_PER_ROUND = 600;
/**
 * The sender floods on purpose, far past the default send rate (`--sends-per-second`), which is not what
 * this test is about: the server runs with that one limit raised (and every kill still lands mid-commit).
 */
const FLOOD_RATE = ["--send-burst", "1000000", "--sends-per-second", "1000000"];

const dir = temporaryDirectoryForFile("chat-crash-");
beforeAll(requireBuiltCli);
afterEach(killAllCliProcesses);

async function connect(server: TestServer): Promise<WireClient> {
  const client = new WireClient({ host: "127.0.0.1", port: portOf(server, "wire") });
  await client.connect();
  return client;
}

/** A sender that keeps a window of numbered messages in flight until its connection dies. */
class WindowedSender {
  private readonly confirmedSends: Array<{ seq: number; content: string }> = [];
  private next = 0;
  private dead = false;
  /** Settles once every worker has stopped (the connection died). */
  readonly done: Promise<void>;

  constructor(
    private readonly client: WireClient,
    private readonly round: number,
    private readonly attempted: Set<string>,
  ) {
    this.done = Promise.all(Array.from({ length: WINDOW }, () => this.worker())).then(() => undefined);
  }

  private async worker(): Promise<void> {
    while (!this.dead) {
      const content = `r${this.round}-${this.next++}`;
      this.attempted.add(content);
      try {
        const result = await this.client.send("inbox", content);
        this.confirmedSends.push({ seq: result.seq, content });
      } catch {
        this.dead = true;
      }
    }
  }

  /** How many sends got a success reply so far. */
  get confirmedCount(): number {
    return this.confirmedSends.length;
  }

  /** The confirmed contents in sequence order. */
  confirmed(): string[] {
    return [...this.confirmedSends].sort((a, b) => a.seq - b.seq).map((message) => message.content);
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Logs the recipient in and reads everything stored for it, without acknowledging anything. */
async function readBacklog(
  server: TestServer,
  atLeast: number,
): Promise<{ client: WireClient; all: IncomingMessage[] }> {
  const client = await connect(server);
  const inbox = new Inbox(client);
  await client.login("inbox", PASSWORD);
  const all = [...(await inbox.take(atLeast, 20_000)), ...(await inbox.quiet(500))];
  return { client, all };
}

describe("chat-cli serve on SQLite under SIGKILL", () => {
  it("delivers every confirmed message exactly once, in order, and nothing never sent", async () => {
    const db = join(dir.path, "chat.db");
    let server = await startTestServer(["--db", db, ...FLOOD_RATE], { transport: "wire" });
    const setup = await connect(server);
    await setup.register("inbox", PASSWORD);
    await setup.register("sender", PASSWORD);
    await setup.close();

    const attempted = new Set<string>();
    const confirmed: string[] = [];
    for (let round = 0; round < KILLS; round++) {
      const sender = await connect(server);
      await sender.login("sender", PASSWORD);
      const sending = new WindowedSender(sender, round, attempted);
      // Kill at a random moment once plenty of sends have gone through.
      await until(() => sending.confirmedCount >= MIN_CONFIRMED_PER_ROUND, 60_000);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      server.process.kill("SIGKILL");
      await server.process.waitForExit();
      await sending.done;
      confirmed.push(...sending.confirmed());
      await sender.close();

      server = await startTestServer(["--db", db, ...FLOOD_RATE], { transport: "wire" });
      const { client, all } = await readBacklog(server, confirmed.length);
      const contents = all.map((message) => message.content);
      const seqs = all.map((message) => message.seq);
      // In order, no repeats: sequence numbers strictly increase.
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(new Set(contents).size).toBe(contents.length);
      // Nothing that was never sent.
      expect(contents.filter((content) => !attempted.has(content))).toEqual([]);
      // Every confirmed send is there, in the order its sequence numbers say.
      const received = new Set(contents);
      expect(confirmed.filter((content) => !received.has(content))).toEqual([]);
      expect(contents.filter((content) => confirmed.includes(content))).toEqual(confirmed);
      // Dropped without acknowledging: the next login gets all of it again.
      await client.close();
    }
    expect(confirmed.length).toBeGreaterThanOrEqual(KILLS * MIN_CONFIRMED_PER_ROUND);

    // The ack protocol over the restarts: acknowledge half, drop, and get exactly the other half.
    const first = await readBacklog(server, confirmed.length);
    const half = first.all[Math.floor(first.all.length / 2)] as IncomingMessage;
    await first.client.ack(half.seq);
    await first.client.close();
    server.process.kill("SIGKILL");
    await server.process.waitForExit();
    server = await startTestServer(["--db", db, ...FLOOD_RATE], { transport: "wire" });
    const second = await readBacklog(server, 1);
    expect(second.all).toEqual(first.all.filter((message) => message.seq > half.seq));
    await second.client.close();
  }, 180_000);
});
