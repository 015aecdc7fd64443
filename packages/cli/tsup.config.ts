import { defineConfig } from "tsup";

export default defineConfig({
  // `bin` is the `chat-cli` executable (its source starts with a `#!/usr/bin/env node` line, which esbuild
  // keeps and tsup marks executable); `index` is the library API.
  entry: { index: "src/index.ts", bin: "src/bin.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
