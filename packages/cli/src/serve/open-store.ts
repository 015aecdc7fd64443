import { ChatError, MemoryStore, type SessionDirectory, type Store } from "@chat/core";
import { openRedisStore, RedisSessionDirectory, RedisStore } from "@chat/store-redis";
import { openSqliteStore, SqliteStoreOpenError } from "@chat/store-sqlite";
import { CliFailure, firstLine } from "../cli-failure.js";
import type { StorageChoice } from "./serve-options.js";

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}

/**
 * Opens the store the server runs on. A database that cannot be used (not ours, corrupt, written by a
 * newer version, not writable) becomes a one-line {@link CliFailure} naming the file, because that is the
 * one thing the person starting the server can fix.
 */
export async function openStore(choice: StorageChoice): Promise<Store> {
  if (choice.kind === "memory") return new MemoryStore();
  if (choice.kind === "redis") {
    try {
      return await openRedisStore({ target: { url: choice.url }, unsafe: choice.unsafe });
    } catch (error) {
      const reason = error instanceof ChatError ? error.message : firstLine(error);
      throw new CliFailure(`cannot use Redis at ${redactedUrl(choice.url)}: ${reason}`, undefined, {
        cause: error,
      });
    }
  }
  try {
    return await openSqliteStore(choice.path);
  } catch (error) {
    // The store's own open errors already name the file and the cause in one line.
    const message =
      error instanceof SqliteStoreOpenError
        ? error.message
        : `cannot open chat database ${choice.path}: ${firstLine(error)}`;
    throw new CliFailure(message, undefined, { cause: error });
  }
}

/**
 * Where the node's sessions live: on Redis when the store is, so every node on that Redis shares the
 * one-device rule and wakes the others; otherwise `undefined`, and the service keeps them in memory.
 */
export async function openSessionDirectory(store: Store): Promise<SessionDirectory | undefined> {
  if (!(store instanceof RedisStore)) return undefined;
  try {
    return await RedisSessionDirectory.create(store.redis);
  } catch (error) {
    await store.close();
    throw new CliFailure(`cannot use Redis for sessions: ${firstLine(error)}`, undefined, { cause: error });
  }
}
