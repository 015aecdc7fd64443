import { defineConfig } from "tsup";

export default defineConfig({
  // `bin` is the bench's executable (`pnpm bench` runs it); `bench-server` is the child process it starts
  // for each server under test, found next to it in dist/. `index` is the library side (runBench, reports).
  entry: { index: "src/index.ts", bin: "src/bin.ts", "bench-server": "src/bench-server-main.ts" },
  format: ["esm"],
  sourcemap: true,
  clean: true,
  target: "node20",
});
