// The root README's two commands are what a newcomer types and what CI runs: this keeps them, `.ci/run` and
// the root `check` script from drifting apart.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGES_ROOT } from "./testing/built-packages.js";

const REPOSITORY_ROOT = dirname(PACKAGES_ROOT);
const read = (path: string): string => readFileSync(join(REPOSITORY_ROOT, path), "utf8");

/** The `sh` code blocks of the README's "Two commands" section, in order. */
function twoCommands(): string[] {
  const readme = read("README.md");
  const section = readme.slice(
    readme.indexOf("## Two commands"),
    readme.indexOf("\n## ", readme.indexOf("## Two commands") + 1),
  );
  return [...section.matchAll(/```sh\n(.*?)\n```/gs)].map((match) => match[1] ?? "");
}

describe("the README's two commands", () => {
  it("are a set-up-and-serve line and a set-up-and-check line that needs no global install", () => {
    const commands = twoCommands();
    expect(commands.slice(0, 2)).toEqual([
      "npx --yes pnpm@10 install --frozen-lockfile && npx pnpm@10 build && npx pnpm@10 chat-cli serve",
      "npx --yes pnpm@10 install --frozen-lockfile && npx pnpm@10 check",
    ]);
  });

  it("end in exactly what .ci/run runs", () => {
    const steps = read(".ci/run")
      .split("\n")
      .filter(
        (line) => line !== "" && !line.startsWith("#") && !line.startsWith("set ") && !line.startsWith("cd "),
      );
    expect(steps).toEqual([twoCommands()[1]]);
  });

  it("check every published package's packaging (check:packages) along with the rest", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    const check = (scripts.check ?? "").split(" && ");
    for (const step of [
      "pnpm check:generated",
      "pnpm build",
      "pnpm typecheck",
      "pnpm lint",
      "pnpm check:packages",
      "pnpm test",
    ]) {
      expect(check).toContain(step);
    }
    // check:packages packs the builds, so it must run after the build.
    expect(check.indexOf("pnpm check:packages")).toBeGreaterThan(check.indexOf("pnpm build"));
  });
});
