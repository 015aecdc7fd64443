// `@chat/cli/testing`: the workspace's process-test helpers, for this package's tests and the bench's.
// Source only (never built, never published): it resolves through the `source` condition, as tests do.
export { CLI_BIN, requireBuiltCli } from "./built-cli.js";
export {
  type BuiltPackage,
  CLI_PACKAGES,
  PACKAGES_ROOT,
  requireBuilt,
  stalePackages,
} from "./built-packages.js";
export { CliProcess, killAllCliProcesses, LINE_TIMEOUT_MS, type ProcessExit } from "./cli-process.js";
export { portOf, startTestServer, TEST_HASHING_FLAG, type TestServer } from "./test-server.js";
