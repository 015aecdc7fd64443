export { checkRedisDurability, REQUIRED_REDIS_SETTINGS } from "./durability-check.js";
export { ACCOUNT_INDEX_KEY, accountKeys, KEY_PREFIX } from "./key-schema.js";
export {
  connectRedis,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
  REDIS_RECONNECT_INITIAL_DELAY_MS,
  REDIS_RECONNECT_MAX_DELAY_MS,
  type RedisConnection,
  type RedisConnectionOptions,
  type RedisTarget,
} from "./redis-connection.js";
export {
  DIRECTORY_SCRIPTS,
  RedisSessionDirectory,
  type RedisSessionDirectoryOptions,
} from "./redis-session-directory.js";
export { type OpenRedisStoreOptions, openRedisStore, RedisStore } from "./redis-store.js";
