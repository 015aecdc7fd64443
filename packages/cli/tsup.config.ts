import { defineConfig } from "tsup";

export default defineConfig({
  // `bin` is the `chat-cli` executable (its source starts with a `#!/usr/bin/env node` line, which esbuild
  // keeps and tsup marks executable); `index` is the library API.
  // `bench-server` is the child process the bench starts for each server under test.
  entry: { index: "src/index.ts", bin: "src/bin.ts", "bench-server": "src/bench/bench-server-main.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
