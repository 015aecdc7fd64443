import { ChatError } from "./chat-error.js";
import { InFlightRequests, type TrackedRequest } from "./in-flight-requests.js";

/** Transport work a given-up request should stop: a gRPC call or stream, say. */
export interface Cancellable {
  cancel(): void;
}

/** What the request is, for the words of its deadline error. */
export type RequestPurpose = "connect" | "request";

function ignore(): void {}

/**
 * The error of a request whose deadline passed. `UNAVAILABLE`, as gRPC's own client reports a passed
 * deadline here: the chat's closed code set has no `DEADLINE_EXCEEDED`, and a client-side outcome never
 * crosses the wire, so the set does not grow for it. The `cause` is a `TimeoutError` `DOMException` (what
 * `AbortSignal.timeout()` aborts with), which tells it apart from a lost connection.
 */
export function deadlineError(timeoutMs: number, purpose: RequestPurpose): ChatError {
  const message =
    purpose === "connect"
      ? `could not connect to the server within ${timeoutMs} ms`
      : `the server did not answer within ${timeoutMs} ms`;
  return new ChatError("UNAVAILABLE", message, { cause: new DOMException(message, "TimeoutError") });
}

/**
 * The error of a request its caller aborted: `UNAVAILABLE` (no code of the closed set means "cancelled";
 * see {@link deadlineError}) with the signal's `reason` as `cause`, so `error.cause === signal.reason`.
 */
export function abortError(signal: AbortSignal): ChatError {
  return new ChatError("UNAVAILABLE", "the request was aborted", { cause: signal.reason });
}

/**
 * One request of a `ChatClientBase` in flight. It settles exactly once: by its answer (`resolve`,
 * `reject`), its deadline, its caller's `AbortSignal`, or the end of the client, whichever comes first.
 * Whatever comes later is ignored, so a transport that answers in order (the wire) keeps a given-up request
 * in its queue until its answer arrives and drops the answer then. A given-up request may still take effect
 * on the server: the outcome of a request that timed out or was aborted is unknown, as with gRPC.
 */
export class ClientRequest<T> implements TrackedRequest {
  /** Settles with the answer or the error. */
  readonly promise: Promise<T>;
  /** @internal Owned by {@link InFlightRequests}. */
  older: TrackedRequest | undefined = undefined;
  /** @internal Owned by {@link InFlightRequests}. */
  newer: TrackedRequest | undefined = undefined;
  /** @internal Owned by {@link InFlightRequests}. */
  deadline = 0;
  private resolvePromise: (value: T) => void = ignore;
  private rejectPromise: (error: ChatError) => void = ignore;
  private work: Cancellable | undefined = undefined;
  private settled = false;

  /**
   * @internal Made by `ChatClientBase`, which tracks it in `inFlight` (with its deadline, on the
   * tracker's one timer) until it settles.
   */
  constructor(
    private readonly inFlight: InFlightRequests<ClientRequest<unknown>>,
    private readonly timeoutMs: number,
    private readonly purpose: RequestPurpose,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    if (signal === undefined) {
      inFlight.add(this as ClientRequest<unknown>, timeoutMs);
      return;
    }
    if (signal.aborted) {
      this.settled = true;
      this.rejectPromise(abortError(signal));
      return;
    }
    inFlight.add(this as ClientRequest<unknown>, timeoutMs);
    // The request itself is the listener (`handleEvent`), so listening allocates no closure either.
    signal.addEventListener("abort", this, { once: true });
  }

  /**
   * A request of a transport's own, outside the client's calls (a goodbye at close, say): tracked alone,
   * with its own deadline.
   */
  static standalone<T>(timeoutMs: number, purpose: RequestPurpose): ClientRequest<T> {
    return new ClientRequest<T>(
      new InFlightRequests<ClientRequest<unknown>>(),
      timeoutMs,
      purpose,
      undefined,
    );
  }

  /** Whether it has settled; a transport sends nothing for a request that settled before it started. */
  get isSettled(): boolean {
    return this.settled;
  }

  /** Names the transport work to stop when the request is given up before its answer. */
  cancelWith(work: Cancellable | undefined): void {
    this.work = work;
  }

  /** Settles with the answer; ignored once settled. */
  resolve(value: T): void {
    if (this.settle()) this.resolvePromise(value);
  }

  /** Settles with the server's (or the transport's) error; ignored once settled. */
  reject(error: ChatError): void {
    if (this.settle()) this.rejectPromise(error);
  }

  /** Gives the request up with `error` and stops its transport work; ignored once settled. */
  abandon(error: ChatError): void {
    if (!this.settle()) return;
    this.rejectPromise(error);
    const work = this.work;
    this.work = undefined;
    work?.cancel();
  }

  /** @internal The deadline passed (called by {@link InFlightRequests}). */
  expire(): void {
    this.abandon(deadlineError(this.timeoutMs, this.purpose));
  }

  /** @internal The caller's signal aborted (`EventListener` interface). */
  handleEvent(): void {
    if (this.signal) this.abandon(abortError(this.signal));
  }

  /** Marks it settled and stops tracking it (its deadline, its listener); false when it had already settled. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.inFlight.delete(this as ClientRequest<unknown>, this.timeoutMs);
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this);
    return true;
  }
}
