import type { ScryptParameters } from "../node-crypto.js";

/*
 * The weak hashing setting, kept out of the root export so that no production import can pick it up by
 * accident. Its own module, free of vitest and fast-check, so that processes which run a real server for
 * tests (`chat-cli serve --insecure-test-hashing`, the bench's servers) can import it at run time through
 * `@chat/core/testing/hashing`.
 */

/** Cheap scrypt parameters for tests only: N = 2^10 (about 1 MiB, well under a millisecond per hash). Never use them for real accounts. */
export const TEST_SCRYPT_PARAMETERS: ScryptParameters = { logN: 10, r: 8, p: 1 };
