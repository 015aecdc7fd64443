/** How a server stops, in the steps {@link GracefulClose} runs. */
export interface GracefulClosePlan {
  /** How long the graceful part may take before {@link force} cuts what is left. */
  readonly timeoutMs: number;
  /** Stops taking new work, lets the work in hand finish and tells the clients why. */
  graceful(): Promise<void>;
  /** Cuts whatever is still open once `timeoutMs` has passed. */
  force(): void;
  /** Runs last, after either ending (release timers, wait for the listener, log). */
  finish?(): Promise<void> | void;
}

/**
 * A server's `close()`, written once: graceful first, forced after a timeout, memoised so every caller
 * (a signal handler, a test, the owner) gets the same promise and the steps run once.
 */
export class GracefulClose {
  private closing: Promise<void> | undefined;

  constructor(private readonly plan: GracefulClosePlan) {}

  /** Whether `close()` has been called: new connections and logins should be refused from then on. */
  get started(): boolean {
    return this.closing !== undefined;
  }

  /** Runs the plan once; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.run();
    return this.closing;
  }

  private async run(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.plan.timeoutMs);
    });
    const cut = await Promise.race([this.plan.graceful().then(() => false), timedOut]);
    clearTimeout(timer);
    if (cut) this.plan.force();
    await this.plan.finish?.();
  }
}
