export {
  DEFAULT_MAX_BUFFERED_MESSAGES,
  GrpcClient,
  type GrpcClientOptions,
} from "./grpc-client.js";
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_GRPC_PORT,
  DEFAULT_SESSION_IDLE_TIMEOUT_MS,
  DEFAULT_SESSION_RENEWAL_LIMIT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type GrpcAddress,
  type GrpcListenOptions,
  GrpcServer,
  type GrpcServerOptions,
  type GrpcServerStats,
} from "./grpc-server.js";
export { grpcTransport } from "./grpc-transport.js";
export {
  DEFAULT_GRPC_CLIENT_LIMITS,
  DEFAULT_GRPC_SERVER_LIMITS,
  DEFAULT_MAX_CHAT_MESSAGE_BYTES,
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_GRPC_CONNECTIONS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_PREFACE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type GrpcClientLimits,
  type GrpcServerLimits,
} from "./limits.js";
export { AUTHORIZATION_KEY, SESSION_TOKEN_BYTES } from "./session-token.js";
export { fromGrpcStatus, type GrpcStatus, RETRY_AFTER_METADATA_KEY, toGrpcStatus } from "./status.js";
