export { type Cleanup, cleanupAfterEachTest } from "./cleanup-after-each-test.js";
export { describeConformance } from "./conformance.js";
export { ConformanceWorld, PASSWORD, type TestUser } from "./conformance-world.js";
export {
  FAULTY_RUN_SETTLE_MS,
  type FaultyRunOptions,
  type FaultyRunReport,
  MAX_MESSAGES_PER_FAULTY_RUN,
  PACE_AFTER_MINIMUM_MS,
  runDeliveryUnderFaults,
} from "./delivery-under-faults.js";
export {
  describeDeliveryUnderFaults,
  FAULTY_RUN_MESSAGES,
  FAULTY_RUN_MIN_FAULTS,
  type FaultyRunTransport,
} from "./describe-delivery-under-faults.js";
export {
  describeTlsConformance,
  type TlsConformanceClient,
  type TlsConformanceServer,
  type TlsConformanceTransport,
  type TlsRefusal,
} from "./describe-tls-conformance.js";
export { expectChatError } from "./expect-chat-error.js";
export { type FaultMode, FaultProxy, type FaultProxyOptions, type MillisecondRange } from "./fault-proxy.js";
export {
  type ConformanceServer,
  type ConformanceServices,
  createTestHasher,
  createTestService,
  type StartConformanceServer,
} from "./harness.js";
export { HeldHasher } from "./held-hasher.js";
export { ARRIVAL_TIMEOUT_MS, Inbox, QUIET_PERIOD_MS } from "./inbox.js";
export {
  SourceAddressRelay,
  type SourceAddressRelayOptions,
  SourceAddressRelays,
} from "./source-address-relay.js";
export { describeStoreContract, type StoreContractOptions } from "./store-contract.js";
export {
  createTestCertificates,
  type TestAuthority,
  type TestCertificates,
  type TestKeyPair,
} from "./test-certificates.js";
export { testCertificatesPerFile } from "./test-certificates-per-file.js";
export { TEST_SCRYPT_PARAMETERS } from "./test-hashing.js";
export { oldTlsHandshakeFailure, plaintextAnswer, TLS_ALERT_RECORD } from "./tls-probes.js";
