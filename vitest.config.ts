import { defineConfig } from "vitest/config";

/**
 * Workspace packages export their TypeScript sources under the "source" condition, so tests run against
 * the code as written, without a build step in between. Vitest runs tests in Vite's server-side
 * environment, whose resolver takes its own condition list: both must name "source".
 */
const conditions = ["source", "node", "import", "module", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
