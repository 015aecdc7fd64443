import { defineConfig } from "tsup";

export default defineConfig({
  // The root (client and server), the codec subpath and the test helpers; see package.json `exports`.
  entry: { index: "src/index.ts", codec: "src/codec.ts", "testing/index": "src/testing/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  external: ["fast-check"],
});
