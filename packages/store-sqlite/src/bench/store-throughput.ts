/**
 * Stored-message throughput of SqliteStore against MemoryStore: append N messages to one offline
 * recipient with many appends in flight (as many connected senders would), then drain them the way
 * delivery does (read a page after the last seq, ack up to its end), plus the SQLite file size per
 * million messages. Not a test: numbers depend on the machine, and nothing asserts on them.
 *
 * Run after `pnpm build`: node packages/store-sqlite/dist/bench/store-throughput.js [messages=200000]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, type Store } from "@chat/core";
import { openSqliteStore } from "../sqlite-store.js";

const messages = Number(process.argv[2] ?? 200_000);
const inFlight = 256;
const pageSize = 256;
// 64 bytes: a typical short chat line; the protocol allows up to 512.
const content = "The quick brown fox jumps over the lazy dog, again and again: 01";

interface Timing {
  readonly appendPerSecond: number;
  readonly drainPerSecond: number;
}

/** Appends `count` messages to `rita`, keeping `window` appends in flight, like concurrent senders. */
async function appendAll(store: Store, count: number, window: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      await store.appendMessage("rita", { from: "sam", content, sentAt: Date.now() });
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
}

/** Reads and acks `rita`'s whole log page by page, as the delivery pump does; returns how many. */
async function drain(store: Store): Promise<number> {
  let after = 0;
  let drained = 0;
  for (;;) {
    const page = await store.readMessages("rita", after, pageSize);
    const last = page.at(-1);
    if (last === undefined) return drained;
    drained += await store.ackMessages("rita", last.seq);
    after = last.seq;
  }
}

function perSecond(count: number, startedAt: number): number {
  return Math.round((count * 1000) / (performance.now() - startedAt));
}

async function measure(open: () => Promise<Store>, between?: () => Promise<void>): Promise<Timing> {
  let store = await open();
  await store.createAccount({ username: "rita", key: "rita", passwordHash: "h", createdAt: 0 });
  let startedAt = performance.now();
  await appendAll(store, messages, inFlight);
  const appendPerSecond = perSecond(messages, startedAt);
  if (between) {
    await store.close();
    await between();
    store = await open();
  }
  startedAt = performance.now();
  const drained = await drain(store);
  const drainPerSecond = perSecond(drained, startedAt);
  await store.close();
  if (drained !== messages) throw new Error(`drained ${drained} of ${messages}`);
  return { appendPerSecond, drainPerSecond };
}

const directory = mkdtempSync(join(tmpdir(), "chat-store-bench-"));
try {
  const memoryStore = new MemoryStore();
  const memory = await measure(async () => memoryStore);

  const path = join(directory, "bench.db");
  let fileBytes = 0;
  let reopenMs = 0;
  const sqlite = await measure(
    () => openSqliteStore(path),
    async () => {
      // Closing checkpoints the WAL into the main file and removes it, so this is the whole database.
      fileBytes = statSync(path).size;
      const startedAt = performance.now();
      await (await openSqliteStore(path)).close();
      reopenMs = Math.round(performance.now() - startedAt);
    },
  );

  // One append at a time: every append is its own transaction and fsync (the latency floor of a send).
  const serialPath = join(directory, "serial.db");
  const serial = await openSqliteStore(serialPath);
  await serial.createAccount({ username: "rita", key: "rita", passwordHash: "h", createdAt: 0 });
  const serialCount = 2000;
  const serialStart = performance.now();
  await appendAll(serial, serialCount, 1);
  const serialPerSecond = perSecond(serialCount, serialStart);
  await serial.close();

  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`messages: ${messages} of ${Buffer.byteLength(content)} bytes, ${inFlight} appends in flight`);
  console.log(`memory  append ${memory.appendPerSecond} msg/s, drain ${memory.drainPerSecond} msg/s`);
  console.log(`sqlite  append ${sqlite.appendPerSecond} msg/s, drain ${sqlite.drainPerSecond} msg/s`);
  console.log(`sqlite  one append at a time: ${serialPerSecond} msg/s (one fsync each)`);
  console.log(
    `sqlite  file ${mb(fileBytes)} MiB for ${messages} messages = ${mb((fileBytes * 1_000_000) / messages)} MiB per million`,
  );
  console.log(`sqlite  reopen with quick_check: ${reopenMs} ms`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
