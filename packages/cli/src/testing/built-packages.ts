// Test support: makes sure the processes the tests spawn run the current code. Node cannot run the
// TypeScript sources, so a spawned `chat-cli` (or bench) runs the packages' dist/ builds. Tests never build:
// the test command does (`pnpm check` runs `pnpm build` before `pnpm test`), and a test whose builds are
// missing or older than their sources fails at once with what to do, instead of testing old code.
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace's `packages/` directory. */
export const PACKAGES_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** A workspace package a spawned process runs from its build. */
export interface BuiltPackage {
  /** Its directory under `packages/`. */
  readonly dir: string;
  /** A file its build writes (relative to the package), whose age tells whether the build is stale. */
  readonly output: string;
}

/** What the built `chat-cli` runs: the CLI and every workspace package it imports. */
export const CLI_PACKAGES: readonly BuiltPackage[] = [
  { dir: "core", output: "dist/index.js" },
  { dir: "wire", output: "dist/index.js" },
  { dir: "grpc", output: "dist/index.js" },
  { dir: "store-sqlite", output: "dist/index.js" },
  { dir: "store-redis", output: "dist/index.js" },
  { dir: "cli", output: "dist/bin.js" },
];

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Test helpers (`src/testing/`) never run in a spawned process, so editing one needs no rebuild. */
const TEST_HELPER_DIR = "testing";

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== TEST_HELPER_DIR) newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, mtime(path));
    }
  }
  return newest;
}

/** The packages whose build output is missing or older than a source, `package.json` or build config. */
export function stalePackages(packages: readonly BuiltPackage[]): string[] {
  return packages
    .filter(({ dir, output }) => {
      const root = join(PACKAGES_ROOT, dir);
      const sources = Math.max(
        newestSource(join(root, "src")),
        mtime(join(root, "package.json")),
        mtime(join(root, "tsup.config.ts")),
      );
      return mtime(join(root, output)) < sources;
    })
    .map(({ dir }) => `packages/${dir}`);
}

/** Throws, naming them, when any of the packages' builds is missing or stale: "run pnpm build first". */
export function requireBuilt(packages: readonly BuiltPackage[]): void {
  const stale = stalePackages(packages);
  if (stale.length > 0) {
    throw new Error(
      `the build of ${stale.join(", ")} is missing or older than its sources: run pnpm build first ` +
        "(tests run the built code in child processes and never build it themselves)",
    );
  }
}
