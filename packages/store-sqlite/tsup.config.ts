import { defineConfig } from "tsup";

export default defineConfig({
  // The bench is built alongside so it runs on plain `node` (see src/bench/store-throughput.ts); it is not
  // exported, and `files` in package.json keeps it out of the published package.
  entry: { index: "src/index.ts", "bench/store-throughput": "src/bench/store-throughput.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
