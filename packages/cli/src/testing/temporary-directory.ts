// Test support: a scratch directory per test file, for databases and files a test writes.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** A directory of the test file's own; `path` is set once the file's tests start. */
export interface TemporaryDirectory {
  readonly path: string;
}

/**
 * Call at the top of a test file: makes a fresh directory under the system's temporary one (its name
 * starting with `prefix`) before the file's tests, and removes it, with everything in it, after them.
 */
export function temporaryDirectoryForFile(prefix: string): TemporaryDirectory {
  const directory = { path: "" };
  beforeAll(async () => {
    directory.path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (directory.path !== "") await rm(directory.path, { recursive: true, force: true });
  });
  return directory;
}
