import type { ChatClient } from "../chat-client.js";
import { ChatService, type ChatServiceOptions } from "../chat-service.js";
import { MemoryStore } from "../memory-store.js";
import { createScryptHasher } from "../node-crypto.js";
import type { PasswordHasher } from "../password-hasher.js";
import type { Store } from "../store.js";
import { TEST_SCRYPT_PARAMETERS } from "./test-hashing.js";

/** A server under test, as the conformance suite sees it. */
export interface ConformanceServer {
  /** A new client, connected to the server (its `connect()` has resolved). */
  connect(): Promise<ChatClient>;
  /** Stops the server and frees everything it holds. Clients may still be open. */
  stop(): Promise<void>;
  /**
   * A new client whose connection reaches the server from `sourceAddress` (an address of 127.0.0.0/8), for
   * the tests of per-address limits: a transport over TCP connects through a `SourceAddressRelay`, an
   * in-process client passes it as its peer address. Those tests are skipped where it is missing.
   */
  connectFrom?(sourceAddress: string): Promise<ChatClient>;
}

/**
 * Starts a server of one transport in front of `service` (a fresh service per test, made by the suite).
 * The transport's own test file passes one of these to `describeConformance`.
 */
export type StartConformanceServer = (
  service: ChatService,
  services: ConformanceServices,
) => Promise<ConformanceServer>;

/**
 * For a server made of several services (a cluster of nodes on one shared store): more services like the
 * one the suite made, sharing its password hasher, so the suite's hold on hashing holds every node.
 */
export interface ConformanceServices {
  /** A new service with the test's hasher; `options` give its store, directory, and so on. */
  createService(options: Partial<ChatServiceOptions>): ChatService;
}

/**
 * A service for tests: a fresh `MemoryStore` (unless given a store) and cheap scrypt parameters, so
 * hundreds of registrations take milliseconds. Never use these parameters for real accounts.
 */
export function createTestService(options: Partial<ChatServiceOptions> = {}): ChatService {
  const store: Store = options.store ?? new MemoryStore();
  return new ChatService({
    hasher: createTestHasher(),
    ...options,
    store,
  });
}

/** The scrypt hasher of {@link createTestService}: cheap parameters, for tests only. */
export function createTestHasher(): PasswordHasher {
  return createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS, concurrency: 4 });
}
