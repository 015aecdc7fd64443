/** The signals that ask the server to stop: Ctrl-C in a terminal, and what service managers send. */
export const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** One of {@link SHUTDOWN_SIGNALS}. */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Resolves with the first shutdown signal. Any further one calls `onRepeat`, so a person whose shutdown
 * hangs can press Ctrl-C again to force it. Installing the listeners also stops Node's default of dying
 * on the spot, which would skip flushing the store.
 */
export function waitForShutdownSignal(onRepeat: (signal: ShutdownSignal) => void): Promise<ShutdownSignal> {
  return new Promise((resolve) => {
    let received = false;
    for (const signal of SHUTDOWN_SIGNALS) {
      process.on(signal, () => {
        if (received) {
          onRepeat(signal);
          return;
        }
        received = true;
        resolve(signal);
      });
    }
  });
}
