#!/usr/bin/env node
// `pnpm check:packages`: lints what each published package would ship, as a user would install it.
// Each package is packed with `pnpm pack` (as `pnpm publish` would pack it: `workspace:*` turned into
// versions, `publishConfig` applied, only the `files` it lists), then publint checks the packed
// package.json against the packed files (exports, files, bin, types) and @arethetypeswrong/cli checks that
// TypeScript resolves the types of every export the way Node does. The packages are ESM-only on purpose
// (see the README), so the `esm-only` profile leaves out the CommonJS resolutions.
// Each tarball must also hold a LICENSE and a package.json with license, repository, homepage, bugs and
// keywords. Every package under packages/ that is not private is checked; a failure in any one fails the run.
// Needs the packages built (`pnpm build`), as `pnpm check` does first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const packagesDir = join(root, "packages");

const published = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(packagesDir, entry.name))
  .filter((dir) => {
    try {
      return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private !== true;
    } catch {
      return false;
    }
  });

/** What every published package.json must say, so the registry page links back to the repository. */
const REQUIRED_FIELDS = ["license", "repository", "homepage", "bugs", "keywords"];

/**
 * The problems with a package's own metadata: no LICENSE file of its own (looked for in the package's
 * directory, because `pnpm pack` quietly copies the workspace root's into a package that has none) or a
 * missing field in the packed package.json.
 */
function metadataProblems(dir, tarball) {
  const problems = existsSync(join(dir, "LICENSE")) ? [] : ["no LICENSE file"];
  const manifest = spawnSync("tar", ["-xOzf", tarball, "package/package.json"], { encoding: "utf8" });
  const fields = JSON.parse(manifest.stdout);
  for (const field of REQUIRED_FIELDS) if (fields[field] === undefined) problems.push(`no "${field}" field`);
  return problems;
}

/** The checks, each run on the packed tarball. */
const CHECKS = [
  ["publint", ["run", "--strict", "--pack", "false"]],
  ["attw", ["--profile", "esm-only", "--no-summary"]],
];

const packDir = mkdtempSync(join(tmpdir(), "chat-check-packages-"));
let failed = 0;
try {
  for (const dir of published) {
    const name = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
    const before = new Set(readdirSync(packDir));
    const pack = spawnSync("pnpm", ["pack", "--pack-destination", packDir], { cwd: dir, encoding: "utf8" });
    const tarball = readdirSync(packDir).find((file) => file.endsWith(".tgz") && !before.has(file));
    if (pack.status !== 0 || tarball === undefined) {
      failed++;
      process.stderr.write(`${pack.stdout}${pack.stderr}\ncheck:packages: pnpm pack failed for ${name}\n`);
      continue;
    }
    const problems = metadataProblems(dir, join(packDir, tarball));
    if (problems.length === 0) process.stdout.write(`${name}: LICENSE and metadata ok\n`);
    else {
      failed++;
      process.stderr.write(`check:packages: ${name}: ${problems.join(", ")}\n`);
    }
    for (const [tool, args] of CHECKS) {
      // Quiet on success (both tools print a full report); the whole report when something is wrong.
      const run = spawnSync("pnpm", ["exec", tool, ...args, join(packDir, tarball)], {
        cwd: dir,
        encoding: "utf8",
      });
      if (run.status === 0) {
        process.stdout.write(`${name}: ${tool} ok\n`);
      } else {
        failed++;
        process.stderr.write(`${run.stdout}${run.stderr}\ncheck:packages: ${tool} failed for ${name}\n`);
      }
    }
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
if (failed > 0) process.exit(1);
process.stdout.write(
  `check:packages: ${published.length} packages pass LICENSE and metadata, publint and attw\n`,
);
