import { renameSync, unlinkSync } from "node:fs";
import type { ChatError, LogFields, ServerLogger } from "@chat/core";
import { expectChatError } from "@chat/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "./index.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("file-lost");
afterAll(() => temp.remove());

interface LogLine {
  readonly level: string;
  readonly fields: LogFields;
  readonly message: string;
}

/** A logger that keeps every line, to check what the store told the operator. */
function recordingLogger(): { logger: ServerLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const record =
    (level: string) =>
    (fields: LogFields, message: string): void => {
      lines.push({ level, fields, message });
    };
  return {
    lines,
    logger: { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") },
  };
}

async function storeWithMessages(path: string, logger: ServerLogger): Promise<SqliteStore> {
  const store = await openSqliteStore(path, { logger });
  await store.createAccount({ username: "rita", key: "rita", passwordHash: "h", createdAt: 1 });
  await store.appendMessage("rita", { from: "sam", content: "before", sentAt: 1 });
  return store;
}

describe("SqliteStore: database file removed or replaced under it", () => {
  it("refuses every write after the file is deleted, with UNAVAILABLE and one log line", async () => {
    const path = temp.file("deleted.db");
    const { logger, lines } = recordingLogger();
    const store = await storeWithMessages(path, logger);
    unlinkSync(path);
    const sends = await Promise.allSettled(
      Array.from({ length: 100 }, (_, index) =>
        store.appendMessage("rita", { from: "sam", content: `after ${index}`, sentAt: 2 }),
      ),
    );
    expect(sends.filter((result) => result.status === "fulfilled")).toEqual([]);
    for (const result of sends) {
      expect(result.status === "rejected" && (result.reason as ChatError).code).toBe("UNAVAILABLE");
    }
    // Later writes of every kind fail at once, without touching the orphaned file.
    await expectChatError(store.ackMessages("rita", 1), "UNAVAILABLE");
    await expectChatError(
      store.createAccount({ username: "x", key: "x", passwordHash: "h", createdAt: 1 }),
      "UNAVAILABLE",
    );
    const errors = lines.filter((line) => line.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/removed/);
    expect(errors[0]?.fields).toMatchObject({ path, fault: "removed" });
    await store.close();
  });

  it("refuses writes after the file is replaced by another one, keeping the replacement intact", async () => {
    const path = temp.file("replaced.db");
    const other = temp.file("other.db");
    const { logger, lines } = recordingLogger();
    const replacement = await storeWithMessages(other, recordingLogger().logger);
    await replacement.close();
    const store = await storeWithMessages(path, logger);
    renameSync(other, path);
    const error = await expectChatError(
      store.appendMessage("rita", { from: "sam", content: "lost?", sentAt: 2 }),
      "UNAVAILABLE",
    );
    expect(error.message).toMatch(/database file/);
    expect(lines.filter((line) => line.level === "error")[0]?.fields).toMatchObject({ fault: "replaced" });
    // Reads go on (from the file the store has open).
    expect(await store.readMessages("rita", 0, 10)).toHaveLength(1);
    await store.close();
    const reopened = await openSqliteStore(path);
    expect((await reopened.readMessages("rita", 0, 10)).map((message) => message.content)).toEqual([
      "before",
    ]);
    await reopened.close();
  });

  it("goes on acknowledging writes while the file stays where it was", async () => {
    const path = temp.file("kept.db");
    const { logger, lines } = recordingLogger();
    const store = await storeWithMessages(path, logger);
    const appended = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        store.appendMessage("rita", { from: "sam", content: `m${index}`, sentAt: 2 }),
      ),
    );
    expect(appended.at(-1)?.seq).toBe(51);
    expect(lines).toEqual([]);
    await store.close();
  });
});
