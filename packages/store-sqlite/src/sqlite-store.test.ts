import { describeStoreContract } from "@chat/core/testing";
import { afterAll } from "vitest";
import { openSqliteStore, type SqliteStore } from "./index.js";
import { createTempDir } from "./testing/temp-dir.js";

const temp = createTempDir("contract");
afterAll(() => temp.remove());

// Each fresh store gets its own file; `reopen` closes the store and opens the same file again.
const paths = new WeakMap<object, string>();

async function open(path: string): Promise<SqliteStore> {
  const store = await openSqliteStore(path);
  paths.set(store, path);
  return store;
}

describeStoreContract("SqliteStore", {
  create: () => open(temp.file("chat.db")),
  reopen: async (store) => {
    const path = paths.get(store);
    if (path === undefined) throw new Error("reopen: not a store opened by this test");
    await store.close();
    return open(path);
  },
});
