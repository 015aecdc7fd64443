import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** A fixture compiled to a plain ES module a child `node` can run. */
export interface BundledFixture {
  /** Absolute path of the `.mjs` file to pass to `node`. */
  readonly file: string;
  /** Deletes the compiled output. */
  remove(): void;
}

/**
 * Compiles a TypeScript fixture (and the workspace sources it imports, resolved through the `source`
 * condition exactly as vitest resolves them) into one ES module, so a child process runs the code under
 * test without a prior `pnpm build` and without a TypeScript loader, which Node 20 lacks.
 *
 * better-sqlite3 stays external: it is a native addon. That is why the output goes under this package's
 * `node_modules/.cache` and not the OS temp dir: Node resolves `better-sqlite3` from the output's location.
 */
export async function bundleFixture(fixture: string): Promise<BundledFixture> {
  const cacheDir = join(packageRoot, "node_modules", ".cache");
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, "chat-store-sqlite-fixture-"));
  await build({
    config: false,
    entry: { fixture: join(packageRoot, "src", "testing", "fixtures", fixture) },
    outDir,
    format: ["esm"],
    outExtension: () => ({ js: ".mjs" }),
    platform: "node",
    target: "node20",
    dts: false,
    sourcemap: false,
    splitting: false,
    silent: true,
    external: ["better-sqlite3"],
    noExternal: [/^@chat\//],
    esbuildOptions: (options) => {
      options.conditions = ["source"];
    },
  });
  return {
    file: join(outDir, "fixture.mjs"),
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
