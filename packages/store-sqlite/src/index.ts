export type { CommitStats } from "./commit-queue.js";
export type { SqliteSettings } from "./open-database.js";
export { APPLICATION_ID, SCHEMA_VERSION } from "./schema.js";
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  openSqliteStore,
  SqliteStore,
  type SqliteStoreOptions,
} from "./sqlite-store.js";
export { SqliteStoreOpenError, type SqliteStoreOpenFailure } from "./sqlite-store-open-error.js";
