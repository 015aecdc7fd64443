import type { ChatLimits } from "./chat-limits.js";
import { FailureBackoff } from "./failure-backoff.js";
import { retryLater } from "./retry-after.js";

/** What a login attempt admitted by the {@link LoginThrottle} turned out to be. */
export type LoginOutcome = "right password" | "wrong credentials" | "not checked";

/** One admitted attempt: its keys, to report its outcome with. */
export interface LoginAttempt {
  readonly pairKey: string;
  readonly source: string;
}

/**
 * Failed-login throttling, decided before any password is hashed. Two exponential delays (see
 * {@link FailureBackoff}): one per (account, source address), strict, and one per source address over all
 * accounts, looser, against guessing spread over many accounts. There is deliberately no limit on an
 * account alone: it would let anyone lock the real user out by failing on purpose, so a guesser only ever
 * slows itself down and the owner logs in from their own address as usual.
 */
export class LoginThrottle {
  private readonly perPair: FailureBackoff;
  private readonly perSource: FailureBackoff;

  constructor(limits: ChatLimits, now: () => number) {
    this.perPair = new FailureBackoff(limits.loginBackoffPerAccountAndAddress, limits.maxTrackedKeys, now);
    this.perSource = new FailureBackoff(limits.loginBackoffPerAddress, limits.maxTrackedKeys, now);
  }

  /**
   * Admits a login attempt for account `key` from `source`, or throws `RESOURCE_EXHAUSTED` with how long
   * to wait. An admitted attempt counts as a failure until {@link settle} says otherwise.
   */
  admit(key: string, source: string): LoginAttempt {
    // The pair's key cannot be forged from another pair's: an account key never holds a space.
    const attempt = { pairKey: `${key} ${source}`, source };
    const sourceWait = this.perSource.admit(source);
    if (sourceWait > 0) {
      throw retryLater("too many failed logins from this address", sourceWait);
    }
    const pairWait = this.perPair.admit(attempt.pairKey);
    if (pairWait > 0) {
      this.perSource.undo(source);
      throw retryLater("too many failed logins for this account from this address", pairWait);
    }
    return attempt;
  }

  /** Reports what an admitted attempt turned out to be. */
  settle(attempt: LoginAttempt, outcome: LoginOutcome): void {
    if (outcome === "wrong credentials") return;
    this.perSource.undo(attempt.source);
    if (outcome === "right password") this.perPair.succeeded(attempt.pairKey);
    else this.perPair.undo(attempt.pairKey);
  }
}
