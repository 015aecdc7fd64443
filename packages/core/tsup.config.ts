import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "adapter/index": "src/adapter/index.ts",
    "testing/index": "src/testing/index.ts",
    // Free of vitest and fast-check, so a server started for tests can import it at run time.
    "testing/hashing": "src/testing/test-hashing.ts",
    // Also free of them: the bench makes throwaway certificates for its TLS runs at run time.
    "testing/certificates": "src/testing/test-certificates.ts",
  },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  external: ["vitest", "fast-check"],
});
