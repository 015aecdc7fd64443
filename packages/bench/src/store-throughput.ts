import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, type Store } from "@chat/core";
import { openSqliteStore } from "@chat/store-sqlite";
import type { StoreResult } from "./bench-results.js";
import { contentOf } from "./chat-clients.js";
import { round3 } from "./latency-recorder.js";

/** Stored messages carry a typical short chat line. */
export const STORE_CONTENT_BYTES = 64;
/** Appends issued together, as a busy server issues them within one event-loop turn (one group commit). */
const APPEND_BATCH = 256;
/** Messages read per page while draining, as the delivery pump reads them. */
const DRAIN_PAGE = 256;

const RECIPIENT = "recipient";

async function prepare(store: Store): Promise<void> {
  await store.createAccount({
    username: RECIPIENT,
    key: RECIPIENT,
    passwordHash: "unused",
    createdAt: Date.now(),
  });
}

/** Appends `count` messages in batches issued together; resolves with messages per second. */
async function append(store: Store, count: number): Promise<number> {
  const content = contentOf(STORE_CONTENT_BYTES);
  const start = performance.now();
  for (let done = 0; done < count; ) {
    const batch = Math.min(APPEND_BATCH, count - done);
    const writes: Promise<unknown>[] = [];
    for (let index = 0; index < batch; index++) {
      writes.push(store.appendMessage(RECIPIENT, { from: "sender", content, sentAt: Date.now() }));
    }
    await Promise.all(writes);
    done += batch;
  }
  return count / ((performance.now() - start) / 1000);
}

/** Reads and acknowledges every message, page by page; resolves with messages per second. */
async function drain(store: Store, expected: number): Promise<number> {
  const start = performance.now();
  let after = 0;
  let drained = 0;
  // Bounded by the number of pages the expected messages fill.
  for (let page = 0; page <= Math.ceil(expected / DRAIN_PAGE); page++) {
    const messages = await store.readMessages(RECIPIENT, after, DRAIN_PAGE);
    const last = messages.at(-1);
    if (!last) break;
    await store.ackMessages(RECIPIENT, last.seq);
    after = last.seq;
    drained += messages.length;
  }
  if (drained !== expected) throw new Error(`store drain read ${drained} messages, expected ${expected}`);
  return drained / ((performance.now() - start) / 1000);
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Stored-message throughput (issue 6): `count` messages appended to one recipient, then drained with
 * acks, on the memory store and on SQLite (WAL, synchronous=FULL, group commits). The SQLite file is
 * measured after the appends, once closed (checkpointed), and scaled to a million messages.
 */
export async function measureStores(count: number): Promise<StoreResult[]> {
  const memory = new MemoryStore();
  await prepare(memory);
  const memoryAppend = await append(memory, count);
  const memoryDrain = await drain(memory, count);
  await memory.close();

  const directory = await mkdtemp(join(tmpdir(), "chat-bench-"));
  try {
    const path = join(directory, "bench.db");
    const empty = await openSqliteStore(path);
    await prepare(empty);
    await empty.close();
    const baseSize = await fileSize(path);
    const writer = await openSqliteStore(path);
    const sqliteAppend = await append(writer, count);
    await writer.close();
    const fullSize = await fileSize(path);
    const reader = await openSqliteStore(path);
    const sqliteDrain = await drain(reader, count);
    await reader.close();
    return [
      {
        store: "memory",
        messages: count,
        contentBytes: STORE_CONTENT_BYTES,
        appendPerSecond: round3(memoryAppend),
        drainPerSecond: round3(memoryDrain),
      },
      {
        store: "sqlite",
        messages: count,
        contentBytes: STORE_CONTENT_BYTES,
        appendPerSecond: round3(sqliteAppend),
        drainPerSecond: round3(sqliteDrain),
        bytesPerMillionMessages: Math.round(((fullSize - baseSize) / count) * 1_000_000),
      },
    ];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
