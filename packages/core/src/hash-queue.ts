import { ChatError } from "./chat-error.js";
import { retryLater } from "./retry-after.js";

/** What a hash is assumed to take before one has been timed, in milliseconds (scrypt's production cost). */
const INITIAL_HASH_ESTIMATE_MS = 250;
/** Weight of the newest hash in the running estimate of how long one takes. */
const ESTIMATE_WEIGHT = 0.2;

/** The refusal of work whose caller is gone: nobody hears it, it only ends the work. */
export function callerGone(): ChatError {
  return new ChatError("UNAVAILABLE", "the caller is gone (cancelled, timed out or disconnected)");
}

interface Waiter {
  readonly start: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * The service's password hashes: at most `concurrency` run at once and at most `maxWaiting` wait for a
 * slot; one more is refused with `RESOURCE_EXHAUSTED` and a retry hint (how long the queue ahead should
 * take). A hash whose caller is gone (its signal aborted: a cancelled gRPC call, a closed connection) is
 * dropped from the queue at once and never run, so abandoned logins cost no CPU.
 */
export class HashQueue {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private estimateMs = INITIAL_HASH_ESTIMATE_MS;
  /** Hashes started so far (for tests and metrics). */
  started = 0;
  /** Hashes dropped before they started because their caller was gone. */
  skipped = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /** Runs `hash` once a slot is free, unless `signal` aborts first (then rejects with `UNAVAILABLE`). */
  async run<T>(hash: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) {
      this.skipped++;
      throw callerGone();
    }
    if (this.active >= this.concurrency) await this.wait(signal);
    else this.active++;
    this.started++;
    const startedAt = performance.now();
    try {
      return await hash();
    } finally {
      this.estimateMs += (performance.now() - startedAt - this.estimateMs) * ESTIMATE_WEIGHT;
      this.handOver();
    }
  }

  /** Waits for a slot: the slot is handed over by the hash that frees it (`active` stays counted). */
  private wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.waiting.length >= this.maxWaiting) {
      const rounds = Math.ceil((this.waiting.length + 1) / this.concurrency);
      throw retryLater("the server is busy checking passwords", rounds * this.estimateMs);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          resolve();
        },
        signal,
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          this.skipped++;
          reject(callerGone());
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private handOver(): void {
    for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
      // Checked again here too: an abort and a hand-over in the same turn must not run a dead caller's hash.
      if (next.signal?.aborted) {
        next.onAbort();
        continue;
      }
      next.start();
      return;
    }
    this.active--;
  }

  /** How many hashes wait for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}
