import { type ChildProcess, spawn } from "node:child_process";
import type { StoredMessage } from "@chat/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "./index.js";
import { type BundledFixture, bundleFixture } from "./testing/bundle-fixture.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("crash");
let child: BundledFixture;

beforeAll(async () => {
  child = await bundleFixture("append-child.ts");
});

afterAll(() => {
  child.remove();
  temp.remove();
});

/** One append the child reported as resolved. */
interface Reported {
  readonly seq: number;
  readonly index: number;
}

/** What one child run reported before it was killed. */
interface ChildRun {
  readonly reported: Reported[];
  readonly stderr: string;
  /** Whether it was still running when the kill came (as opposed to having crashed on its own). */
  readonly killed: boolean;
}

/** Starts the appending child, lets it run `killAfterMs` past its "ready", then SIGKILLs it. */
function runChildAndKill(path: string, run: number, killAfterMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const process: ChildProcess = spawn("node", [child.file, path, String(run)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    let killed = false;
    process.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (timer === undefined && stdout.startsWith("ready\n")) {
        timer = setTimeout(() => {
          killed = process.kill("SIGKILL");
        }, killAfterMs);
      }
    });
    process.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    process.on("error", reject);
    process.on("close", () => {
      if (timer !== undefined) clearTimeout(timer);
      // Only complete lines count: a line the kill cut short was never fully reported.
      const lines = stdout.split("\n").slice(1, -1);
      const reported = lines.map((line) => {
        const [seq, index] = line.split(" ").map(Number);
        return { seq: seq ?? Number.NaN, index: index ?? Number.NaN };
      });
      resolve({ reported, stderr, killed });
    });
  });
}

async function readAll(store: SqliteStore): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  for (;;) {
    const page = await store.readMessages("rita", all.at(-1)?.seq ?? 0, 1000);
    if (page.length === 0) return all;
    all.push(...page);
  }
}

describe("crash safety with real processes", () => {
  it("keeps every append reported as resolved, in order and exactly once, across repeated SIGKILLs", async () => {
    const path = temp.file("crash.db");
    const setup = await openSqliteStore(path);
    await setup.createAccount({ username: "rita", key: "rita", passwordHash: "h", createdAt: 1 });
    await setup.close();

    /** Messages that survived earlier runs and were not acked since: they must still be there, unchanged. */
    let survivors: StoredMessage[] = [];
    let highestSeq = 0;
    let totalReported = 0;
    const runs = 6;
    for (let run = 0; run < runs; run++) {
      const killAfterMs = 50 + Math.floor(Math.random() * 400);
      const outcome = await runChildAndKill(path, run, killAfterMs);
      const context = `run ${run}, killed ${killAfterMs} ms after ready`;
      expect(outcome.stderr, context).toBe("");
      expect(outcome.killed, context).toBe(true);
      totalReported += outcome.reported.length;

      const store = await openSqliteStore(path);
      const log = await readAll(store);
      // Earlier runs' unacked messages are untouched and come first.
      expect(log.slice(0, survivors.length), context).toEqual(survivors);
      // This run's messages follow: a prefix 0..k-1 of what the child sent, each exactly once, with
      // consecutive sequence numbers continuing after every number ever handed out (acked ones included).
      const fresh = log.slice(survivors.length);
      fresh.forEach((message, position) => {
        expect(message.content, context).toBe(`${run}:${position}`);
        expect(message.seq, context).toBe(highestSeq + position + 1);
      });
      // Every append the child saw resolve is among them, with the sequence number it was given.
      for (const { seq, index } of outcome.reported) {
        expect(fresh[index]?.seq, `${context}, message ${index}`).toBe(seq);
      }

      highestSeq = log.at(-1)?.seq ?? highestSeq;
      // Like a recipient that logs in and acks part of its backlog before the next crash.
      const ackUpTo = log[Math.floor(log.length / 2)]?.seq ?? 0;
      await store.ackMessages("rita", ackUpTo);
      survivors = log.filter((message) => message.seq > ackUpTo);
      await store.close();
    }
    // Thousands of appends were acknowledged to the child and checked across the runs.
    expect(totalReported).toBeGreaterThan(1000);
  });
});
