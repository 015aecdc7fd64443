// The one module of @chat/core that uses Node-only APIs: scrypt password hashing and random bytes.
import { randomBytes as nodeRandomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { PasswordCheck, PasswordHasher } from "./password-hasher.js";
import { Semaphore } from "./semaphore.js";

/** scrypt cost parameters: `N = 2^logN`, block size `r`, parallelism `p`. */
export interface ScryptParameters {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/** The production default: N = 2^17, r = 8, p = 1 (about 128 MiB and ~100-300 ms per hash). */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { logN: 17, r: 8, p: 1 };

/** Salt length in bytes. */
export const SCRYPT_SALT_BYTES = 16;
/** Derived key length in bytes. */
export const SCRYPT_KEY_BYTES = 32;
/** How many hashes run at once by default. */
export const DEFAULT_HASH_CONCURRENCY = 2;

const HASH_PREFIX = "$scrypt$";
/** `$scrypt$ln=17,r=8,p=1$<salt base64>$<key base64>` */
const HASH_FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Options of {@link createScryptHasher}. */
export interface ScryptHasherOptions {
  /** Cost of new hashes; stored hashes with a lower cost are flagged for rehash. */
  readonly parameters?: ScryptParameters;
  /** Most hashes computed at the same time (each holds `128 · N · r` bytes while it runs). */
  readonly concurrency?: number;
}

function scryptAsync(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is too small for N = 2^17, so raise it to fit.
  const maxmem = 128 * N * parameters.r * 2;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT_KEY_BYTES, { N, r: parameters.r, p: parameters.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function costOf(parameters: ScryptParameters): number {
  return 2 ** parameters.logN * parameters.r * parameters.p;
}

/** Creates the scrypt {@link PasswordHasher}; `parameters` defaults to {@link DEFAULT_SCRYPT_PARAMETERS}. */
export function createScryptHasher(options: ScryptHasherOptions = {}): PasswordHasher {
  const parameters = options.parameters ?? DEFAULT_SCRYPT_PARAMETERS;
  const limiter = new Semaphore(options.concurrency ?? DEFAULT_HASH_CONCURRENCY);
  const dummySalt = nodeRandomBytes(SCRYPT_SALT_BYTES);

  return {
    async hash(password) {
      const salt = nodeRandomBytes(SCRYPT_SALT_BYTES);
      const key = await limiter.run(() => scryptAsync(password, salt, parameters));
      const { logN, r, p } = parameters;
      return `${HASH_PREFIX}ln=${logN},r=${r},p=${p}$${salt.toString("base64")}$${key.toString("base64")}`;
    },

    async verify(password, stored): Promise<PasswordCheck> {
      const match = HASH_FORMAT.exec(stored);
      if (!match) throw new Error("stored password hash is not in the scrypt format");
      const [, logN, r, p, salt, key] = match as unknown as [string, string, string, string, string, string];
      const storedParameters = { logN: Number(logN), r: Number(r), p: Number(p) };
      const expected = Buffer.from(key, "base64");
      const actual = await limiter.run(() =>
        scryptAsync(password, Buffer.from(salt, "base64"), storedParameters),
      );
      const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
      return { ok, needsRehash: costOf(storedParameters) < costOf(parameters) };
    },

    async verifyNothing(password) {
      await limiter.run(() => scryptAsync(password, dummySalt, parameters));
      return false;
    },
  };
}

/** Cryptographically strong random bytes (salts, session tokens). */
export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length));
}
