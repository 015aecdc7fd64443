import { afterEach } from "vitest";

/** Something a test undoes after it: closing a server, destroying a socket. */
export type Cleanup = () => Promise<unknown> | unknown;

/**
 * Call once at the top of a test file (or of a `describe`). Returns `deferCleanup`, which registers a
 * cleanup to run after the current test; they run last registered first, so a server closes after the
 * clients made on it. Every package's tests use this one (it needs vitest, like the rest of this subpath).
 */
export function cleanupAfterEachTest(): (cleanup: Cleanup) => void {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}
