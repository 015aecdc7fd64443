import { afterEach } from "vitest";

/** Something a test undoes after it: closing a server, destroying a socket. */
export type Cleanup = () => Promise<unknown> | unknown;

/**
 * Call once at the top of a test file. Returns `deferCleanup`, which registers a cleanup to run after the
 * current test; they run last registered first, so a server closes after the clients made on it.
 * Not in `@chat/wire/testing`: it needs vitest, and only this package's own tests use it.
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
