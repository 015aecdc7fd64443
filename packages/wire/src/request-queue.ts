/** Decoded requests waiting their turn; above this the socket is paused, so a flood cannot grow memory. */
export const MAX_QUEUED_REQUESTS = 64;

/** How a {@link RequestQueue} runs its items. */
export interface RequestQueueSteps<Item> {
  /** `undefined` when answers may be written now; otherwise a promise that settles once they may. */
  readonly waitForOutput: () => Promise<void> | undefined;
  /** Runs one item: `undefined` when it finished at once, a promise when it must wait. May throw. */
  readonly run: (item: Item) => Promise<void> | undefined;
  /** An item failed (thrown or rejected). */
  readonly failed: (error: unknown) => void;
  /** An item left the queue: there is room to read more. */
  readonly taken: () => void;
  /** The queue started running (true) or ran empty (false). */
  readonly busy: (busy: boolean) => void;
}

/**
 * A connection's requests, run one at a time in arrival order, each waiting until answers may be written.
 *
 * A plain loop rather than an `async` one: it goes on synchronously until a request has to wait, and that
 * request's continuation picks the loop up again, so a request costs one continuation rather than an async
 * frame's promise and await on top of core's.
 */
export class RequestQueue<Item> {
  private readonly items: Item[] = [];
  private running = false;
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly steps: RequestQueueSteps<Item>) {}

  /** Whether another item fits; when not, the reader should stop reading. */
  get hasRoom(): boolean {
    return this.items.length < MAX_QUEUED_REQUESTS;
  }

  /** Whether an item is running or waiting to run. */
  get isBusy(): boolean {
    return this.running;
  }

  /** Queues an item; {@link start} runs it. */
  push(item: Item): void {
    if (!this.stopped) this.items.push(item);
  }

  /** Runs what is queued, unless it is running already. */
  start(): void {
    if (this.running || this.items.length === 0) return;
    this.running = true;
    this.steps.busy(true);
    this.next();
  }

  /** Resolves once nothing runs any more (at once when idle). */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what is queued and runs nothing more; an item already running finishes. */
  stop(): void {
    this.stopped = true;
    this.items.length = 0;
  }

  private readonly next = (): void => {
    while (this.items.length > 0 && !this.stopped) {
      const waiting = this.steps.waitForOutput();
      if (waiting !== undefined) {
        void waiting.then(this.next);
        return;
      }
      const item = this.items.shift() as Item;
      this.steps.taken();
      let pending: Promise<void> | undefined;
      try {
        pending = this.steps.run(item);
      } catch (error) {
        this.steps.failed(error);
        continue;
      }
      if (pending !== undefined) {
        pending.then(this.next, this.rejected);
        return;
      }
    }
    this.running = false;
    this.steps.busy(false);
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  };

  private readonly rejected = (error: unknown): void => {
    this.steps.failed(error);
    this.next();
  };
}
