#!/usr/bin/env node
// `pnpm check:packages`: lints what each published package would ship, as a user would install it.
// publint checks the package.json against the packed files (exports, files, bin, types); @arethetypeswrong/cli
// checks that TypeScript resolves the types of every export the way Node does. The packages are ESM-only
// on purpose (see the README), so the `esm-only` profile leaves out the CommonJS resolutions.
// Every package under packages/ that is not private is checked; a failure in any one fails the run.
// Needs the packages built (`pnpm build`), as `pnpm check` does first.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

const CHECKS = [
  ["publint", ["--strict"]],
  ["attw", ["--pack", "--profile", "esm-only", "--no-summary"]],
];

let failed = 0;
for (const dir of published) {
  const name = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
  for (const [tool, args] of CHECKS) {
    // Quiet on success (both tools print a full report); the whole report when something is wrong.
    const run = spawnSync("pnpm", ["exec", tool, ...args], { cwd: dir, encoding: "utf8" });
    if (run.status === 0) {
      process.stdout.write(`${name}: ${tool} ok\n`);
    } else {
      failed++;
      process.stderr.write(`${run.stdout}${run.stderr}\ncheck:packages: ${tool} failed for ${name}\n`);
    }
  }
}
if (failed > 0) process.exit(1);
process.stdout.write(`check:packages: ${published.length} packages pass publint and attw\n`);
