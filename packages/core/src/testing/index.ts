export { describeConformance } from "./conformance.js";
export { ConformanceWorld, PASSWORD, type TestUser } from "./conformance-world.js";
export { expectChatError } from "./expect-chat-error.js";
export {
  type ConformanceServer,
  createTestHasher,
  createTestService,
  type StartConformanceServer,
} from "./harness.js";
export { HeldHasher } from "./held-hasher.js";
export { ARRIVAL_TIMEOUT_MS, Inbox, QUIET_PERIOD_MS } from "./inbox.js";
export { describeStoreContract, type StoreContractOptions } from "./store-contract.js";
export { TEST_SCRYPT_PARAMETERS } from "./test-hashing.js";
