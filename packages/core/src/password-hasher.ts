/** Outcome of checking a password against a stored hash. */
export interface PasswordCheck {
  /** Whether the password matches. */
  readonly ok: boolean;
  /** Whether the stored hash uses weaker parameters than the hasher's current ones and should be replaced. */
  readonly needsRehash: boolean;
}

/**
 * Turns passwords into self-describing hashes and checks them. The service only ever stores what `hash`
 * returns; the default implementation is scrypt (`createScryptHasher` in `node-crypto.ts`).
 */
export interface PasswordHasher {
  /** Hashes a password with a fresh random salt; the result records its own parameters. */
  hash(password: string): Promise<string>;
  /** Checks a password against a stored hash in constant time. */
  verify(password: string, stored: string): Promise<PasswordCheck>;
  /**
   * Spends about the time of a real `verify` and returns false: used for unknown usernames, so a login
   * for a missing account cannot be told from a wrong password by its timing.
   */
  verifyNothing(password: string): Promise<false>;
}
