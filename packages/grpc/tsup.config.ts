import { defineConfig } from "tsup";

export default defineConfig({
  // The root and the framing facts subpath; see package.json `exports`.
  entry: { index: "src/index.ts", framing: "src/framing.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
