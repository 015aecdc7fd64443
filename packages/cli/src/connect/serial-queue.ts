/**
 * Runs async tasks one at a time in the order they were queued. The prompt uses it so that commands reach
 * the server, and their results are printed, in the order they were typed, with acknowledgements in between.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Queues a task; the returned promise settles with the task's result once it has run. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The chain must survive a failed task, or every later one would be skipped.
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /** Resolves once every task queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
