/*
 * `@chat/core`: the chat's domain and the contract every transport implements. This root export is what an
 * application or a transport needs; everything else is internal (imported by relative path inside core).
 * Test helpers are in `@chat/core/testing` (the conformance suite, the store contract, fixtures) and the
 * weak test hashing setting in `@chat/core/testing/hashing`. See README.md for the list.
 */

export type { AccountPage, AccountQuery, FullAccountListing } from "./account-page.js";
export { AsyncQueue } from "./async-queue.js";
export type { ChatClient } from "./chat-client.js";
export { ChatClientBase, type OutgoingSend } from "./chat-client-base.js";
export {
  type ChatClientOptions,
  type ClientState,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  GENERATED_CLIENT_MESSAGE_ID_BYTES,
  LOGGED_IN_ELSEWHERE_GRACE_MS,
  MAX_TIMEOUT_MS,
  NO_TIMEOUT,
  RECONNECT_BACKOFF_FACTOR,
  RECONNECT_INITIAL_DELAY_MS,
  RECONNECT_JITTER,
  RECONNECT_MAX_DELAY_MS,
  type ReconnectOptions,
  type RequestOptions,
  type SendOptions,
} from "./chat-client-options.js";
export { type CallOptions, ChatConnection, type LoginResult } from "./chat-connection.js";
export {
  ChatError,
  ChatErrorCode,
  type ChatErrorCodeName,
  chatErrorCodeFromNumber,
  isChatErrorCodeName,
} from "./chat-error.js";
export {
  type ChatLimits,
  DEFAULT_CHAT_LIMITS,
  DEFAULT_LISTINGS_PER_ADDRESS,
  DEFAULT_LISTINGS_PER_CONNECTION,
  DEFAULT_LOGIN_BACKOFF_PER_ACCOUNT_AND_ADDRESS,
  DEFAULT_LOGIN_BACKOFF_PER_ADDRESS,
  DEFAULT_MAX_NAMES_SCANNED_PER_REQUEST,
  DEFAULT_MAX_QUEUED_HASHES,
  DEFAULT_MAX_TRACKED_KEYS,
  DEFAULT_NAMES_SCANNED_PER_ADDRESS,
  DEFAULT_REGISTRATIONS_PER_ADDRESS,
  DEFAULT_SENDS_PER_SESSION,
  NO_ABUSE_LIMITS,
  NO_BACKOFF,
  resolveChatLimits,
  UNLIMITED_RATE,
} from "./chat-limits.js";
export {
  ChatService,
  type ChatServiceOptions,
  MAX_NAMES_SCANNED_PER_PAGE,
} from "./chat-service.js";
export { type Cancellable, ClientRequest } from "./client-request.js";
export type { ClientStatus } from "./client-status.js";
export { type Clock, systemClock } from "./clock.js";
export type { DeliveryMode, DeliverySink, IncomingMessage, SendResult } from "./delivery.js";
export { DEFAULT_DELIVERY_BATCH_SIZE } from "./delivery-pump.js";
export {
  DELIVERY_MAX_READ_FAILURES,
  DELIVERY_RETRY_FIRST_DELAY_MS,
  DELIVERY_RETRY_MAX_DELAY_MS,
  deliveryRetryDelayMs,
} from "./delivery-retry.js";
export type { BackoffShape } from "./failure-backoff.js";
export { LocalClient, type LocalClientOptions } from "./local-client.js";
export { LocalSessionDirectory } from "./local-session-directory.js";
export { MemoryStore } from "./memory-store.js";
export {
  createScryptHasher,
  DEFAULT_HASH_CONCURRENCY,
  DEFAULT_SCRYPT_PARAMETERS,
  randomBytes,
  SCRYPT_KEY_BYTES,
  SCRYPT_SALT_BYTES,
  type ScryptHasherOptions,
  type ScryptParameters,
} from "./node-crypto.js";
export type { PasswordCheck, PasswordHasher } from "./password-hasher.js";
export { MIN_RETRY_AFTER_MS, retryAfterFromText, retryLater } from "./retry-after.js";
export {
  CLIENT_MESSAGE_ID_MAX_BYTES,
  CLIENT_MESSAGE_ID_MIN_BYTES,
  CONTENT_MAX_BYTES,
  CONTENT_MIN_BYTES,
  DEFAULT_MAX_BACKLOG,
  DEFAULT_PAGE_SIZE,
  MAX_NAMES_PER_FULL_LISTING,
  MAX_PAGE_SIZE,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_BYTES,
  SEND_DEDUPE_WINDOW_MS,
  USERNAME_MAX_BYTES,
  USERNAME_MIN_BYTES,
  validateClientMessageId,
  validateContent,
  validateCursor,
  validateMaxBacklog,
  validatePageSize,
  validatePassword,
  validateSequence,
  validateUsername,
  validateWildcardText,
  WILDCARD_MAX_BYTES,
} from "./rules.js";
export { type LogFields, type ServerLogger, silentLogger } from "./server-logger.js";
export type { ConnectOptions, RequestEvent, RequestOperation, ServiceObserver } from "./service-observer.js";
export {
  DEFAULT_LEASE_RENEW_INTERVAL_MS,
  DEFAULT_LEASE_TTL_MS,
  LEASE_SAFETY_MARGIN_MS,
  type LeaseRenewal,
  leaseLostError,
  type SessionDirectory,
  type SessionLease,
  type StopWatching,
} from "./session-directory.js";
export { IPV6_SOURCE_PREFIX_BITS, LOCAL_SOURCE, sourceOf } from "./source-address.js";
export type {
  AccountListRange,
  AccountRecord,
  AppendLimits,
  AppendOnceResult,
  NewMessage,
  RecordedReceipt,
  SendDedupe,
  SendReceipt,
  Store,
  StoredMessage,
} from "./store.js";
export { recordedReceipt } from "./store.js";
export type { BucketShape } from "./token-bucket.js";
export type {
  TransportAddress,
  TransportClientOptions,
  TransportDescriptor,
  TransportServer,
  TransportServerOptions,
} from "./transport-descriptor.js";
export {
  type ClientTls,
  type ClientTlsOptions,
  clientTlsOptions,
  DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  MIN_TLS_VERSION,
  type Pem,
  type ServerTlsOptions,
} from "./transport-tls.js";
export { asciiLowerCase, isWellFormedUtf16, utf8ByteLength } from "./utf8.js";
export { compileWildcard, matchesWildcard, type Wildcard } from "./wildcard.js";
