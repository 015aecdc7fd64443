// Test support: makes sure the processes the tests spawn run the current code. The CLI and the packages
// it imports run from their dist/ builds (Node cannot run the TypeScript sources), so a package whose
// sources are newer than its build is rebuilt first. `pnpm check` builds before testing, so there this
// is only a check; a developer running `pnpm vitest run packages/cli` after an edit gets a rebuild.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const cliRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const packagesRoot = dirname(cliRoot);
const repoRoot = dirname(packagesRoot);

/** The repository root, where the root package's scripts (`pnpm chat-cli …`) run. */
export const REPO_ROOT = repoRoot;

/** The built `chat-cli` executable the tests run with `node`. */
export const CLI_BIN = join(cliRoot, "dist", "bin.js");

/** Each package the CLI runs, with the build output whose age tells whether it is stale. */
const BUILT_PACKAGES = [
  { name: "@chat/core", dir: "core", output: "dist/index.js" },
  { name: "@chat/wire", dir: "wire", output: "dist/index.js" },
  { name: "@chat/grpc", dir: "grpc", output: "dist/index.js" },
  { name: "@chat/store-sqlite", dir: "store-sqlite", output: "dist/index.js" },
  { name: "@chat/cli", dir: "cli", output: "dist/bin.js" },
] as const;

const LOCK_DIR = join(cliRoot, "node_modules", ".cache", "chat-cli-test-build.lock");
/** A lock older than this was left by a test run that died; builds take well under a minute. */
const STALE_LOCK_MS = 5 * 60_000;
const BUILD_TIMEOUT_MS = 4 * 60_000;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function stalePackages(): string[] {
  return BUILT_PACKAGES.filter(({ dir, output }) => {
    const root = join(packagesRoot, dir);
    const sources = Math.max(
      newestSource(join(root, "src")),
      mtime(join(root, "package.json")),
      mtime(join(root, "tsup.config.ts")),
    );
    return mtime(join(root, output)) < sources;
  }).map(({ name }) => name);
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR, { recursive: false });
    return true;
  } catch {
    if (Date.now() - mtime(LOCK_DIR) > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    return false;
  }
}

/**
 * Rebuilds whatever the CLI runs that is older than its sources. Test files run in parallel, so the build
 * is serialised with a lock directory and every waiter checks again once it is free.
 */
export async function ensureCliBuilt(): Promise<void> {
  mkdirSync(dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    if (stalePackages().length === 0) return;
    if (tryLock()) break;
    await new Promise((done) => setTimeout(done, 500));
  }
  try {
    const stale = stalePackages();
    if (stale.length === 0) return;
    const filters = stale.flatMap((name) => ["--filter", name]);
    const build = spawnSync("pnpm", [...filters, "run", "build"], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: BUILD_TIMEOUT_MS,
    });
    if (build.status !== 0) {
      throw new Error(`building ${stale.join(", ")} failed:\n${build.stdout}\n${build.stderr}`);
    }
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
