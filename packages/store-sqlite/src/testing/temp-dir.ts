import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A scratch directory under the OS temp dir for one test file. */
export interface TempDir {
  /** The directory's absolute path. */
  readonly path: string;
  /** A fresh, not yet existing path inside it (numbered, so every call gets its own file). */
  file(name: string): string;
  /** Deletes the directory and everything in it. */
  remove(): void;
}

/** Creates a scratch directory named after `label`; call `remove()` in `afterAll`. */
export function createTempDir(label: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `chat-store-sqlite-${label}-`));
  let counter = 0;
  return {
    path,
    file: (name) => {
      counter += 1;
      return join(path, `${counter}-${name}`);
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
