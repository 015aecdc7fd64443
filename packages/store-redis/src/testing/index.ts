export { findFreePort, LOOPBACK_HOST } from "./free-port.js";
export {
  CLUSTER_READY_TIMEOUT_MS,
  DEFAULT_CLUSTER_MASTERS,
  RedisClusterProcess,
} from "./redis-cluster-process.js";
export {
  DURABLE_REDIS_SETTINGS,
  REDIS_START_TIMEOUT_MS,
  REDIS_STOP_TIMEOUT_MS,
  type RedisServerOptions,
  RedisServerProcess,
} from "./redis-server-process.js";
