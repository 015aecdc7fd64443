// Test support: the built `chat-cli` the process tests spawn.
import { join } from "node:path";
import { CLI_PACKAGES, PACKAGES_ROOT, requireBuilt } from "./built-packages.js";

/** The built `chat-cli` executable the tests run with `node`. */
export const CLI_BIN = join(PACKAGES_ROOT, "cli", "dist", "bin.js");

/** Fails with "run pnpm build first" when the CLI or a package it runs has no up-to-date build. */
export function requireBuiltCli(): void {
  requireBuilt(CLI_PACKAGES);
}
