export { decodeAccountCursor, encodeAccountCursor } from "./account-cursor.js";
export type { AccountPage, AccountQuery } from "./account-page.js";
export { AsyncQueue } from "./async-queue.js";
export type { ChatClient } from "./chat-client.js";
export { ChatClientBase } from "./chat-client-base.js";
export {
  type ChatClientOptions,
  type ClientState,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  NO_TIMEOUT,
  type RequestOptions,
} from "./chat-client-options.js";
export { ChatConnection, type LoginResult } from "./chat-connection.js";
export {
  ChatError,
  ChatErrorCode,
  type ChatErrorCodeName,
  chatErrorCodeFromNumber,
  isChatErrorCodeName,
} from "./chat-error.js";
export { ChatService, type ChatServiceOptions, MAX_NAMES_SCANNED_PER_PAGE } from "./chat-service.js";
export { type Cancellable, ClientRequest } from "./client-request.js";
export { type Clock, systemClock } from "./clock.js";
export type { DeliveryMode, DeliverySink, IncomingMessage, SendResult } from "./delivery.js";
export { DEFAULT_DELIVERY_BATCH_SIZE } from "./delivery-pump.js";
export { KeyedMutex } from "./keyed-mutex.js";
export { LocalClient } from "./local-client.js";
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
  TEST_SCRYPT_PARAMETERS,
} from "./node-crypto.js";
export type { PasswordCheck, PasswordHasher } from "./password-hasher.js";
export * from "./rules.js";
export { Semaphore } from "./semaphore.js";
export { type LogFields, type ServerLogger, silentLogger } from "./server-logger.js";
export type { ConnectOptions, RequestEvent, RequestOperation, ServiceObserver } from "./service-observer.js";
export type { AccountListRange, AccountRecord, NewMessage, Store, StoredMessage } from "./store.js";
export { asciiLowerCase, isWellFormedUtf16, utf8ByteLength } from "./utf8.js";
export { compileWildcard, matchesWildcard, type Wildcard } from "./wildcard.js";
