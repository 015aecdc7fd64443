import type { ChatConnection } from "../chat-connection.js";
import type { ChatError } from "../chat-error.js";
import type { DeliverySink, IncomingMessage } from "../delivery.js";
import type { LogFields, ServerLogger } from "../server-logger.js";

/** Default time a consumer may stay full (not reading) before it is dropped; its messages stay stored. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** Puts one message on the transport; returns whether more fit (false: full, wait for {@link DeliveryChannel.drained}). */
export type DeliveryWrite = (message: IncomingMessage) => boolean;

/** Options of a {@link DeliveryChannel}. */
export interface DeliveryChannelOptions {
  /** Core's connection whose messages the channel carries; told to resume once the consumer drains. */
  readonly connection: Pick<ChatConnection, "resume">;
  /** How long the consumer may stay full before it is dropped. Default {@link DEFAULT_DRAIN_TIMEOUT_MS}. */
  readonly drainTimeoutMs?: number;
  /**
   * The consumer stayed full for the drain timeout: the transport drops it (closes the socket, ends the
   * stream). Nothing it was given is acknowledged, so those messages stay stored for the next attach.
   */
  readonly onStalled: (drainTimeoutMs: number) => void;
  /** Core ended the session on its own (the service is shutting down): tell the client `reason`, then close. */
  readonly onEnded: (reason: ChatError) => void;
  readonly logger: ServerLogger;
  /** Fields naming the consumer in log lines (a connection number, a username). */
  readonly logFields?: LogFields;
}

/**
 * The sink side of one client's deliveries, the part every transport server needs: it hands core a
 * `DeliverySink` per attach, pauses core when the transport's buffer is full, resumes it when the buffer
 * drains, drops a consumer that never drains (its messages stay stored), and passes core's own end of the
 * session on. The transport supplies only how a message is written and tells the channel when it drained.
 *
 * Not reading is measured from the first time the consumer was found full, whether by a delivery or by
 * another write of the transport's (a reply: {@link whenDrained}), until the next {@link drained}.
 */
export class DeliveryChannel {
  private readonly drainTimeoutMs: number;
  /** Bumped by each attach and detach: a sink from before answers nothing any more. */
  private generation = 0;
  /** Core was told the sink is full and waits for `resume`. */
  private corePaused = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly drainWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: DeliveryChannelOptions) {
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  }

  /** Whether the consumer is full and has not drained since. */
  get isBlocked(): boolean {
    return this.drainTimer !== undefined;
  }

  /**
   * Core's sink for one attach (`ChatConnection.attach(channel.sink(write))`). Sinks handed out before are
   * retired: they take nothing more.
   */
  sink(write: DeliveryWrite): DeliverySink {
    const generation = this.retire();
    return {
      deliver: (message) => {
        if (generation !== this.generation || this.closed) return false;
        if (write(message)) return true;
        this.corePaused = true;
        this.blocked();
        return false;
      },
      ended: (reason) => {
        if (this.closed) return;
        this.options.onEnded(reason);
      },
    };
  }

  /** Delivery stopped (logout, account deleted, stream replaced): the current sink takes nothing more. */
  detach(): void {
    this.retire();
  }

  /** The consumer was found full outside a delivery: the drain clock starts, if it is not already running. */
  blocked(): void {
    if (this.closed || this.drainTimer !== undefined) return;
    this.drainTimer = setTimeout(this.stalled, this.drainTimeoutMs);
    // A blocked consumer must not keep the process alive on its own.
    this.drainTimer.unref();
  }

  /** Resolves once the consumer drains or the channel closes; starts the drain clock meanwhile. */
  whenDrained(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.blocked();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** The transport's buffer drained: writers waiting go on, and core delivers again if it was paused. */
  drained(): void {
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
    if (!this.corePaused || this.closed) return;
    this.corePaused = false;
    this.options.connection.resume();
  }

  /** The consumer is gone: nothing more is delivered and writers waiting for a drain go on. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
  }

  private retire(): number {
    this.corePaused = false;
    return ++this.generation;
  }

  private readonly stalled = (): void => {
    this.drainTimer = undefined;
    if (this.closed) return;
    this.options.logger.warn(
      { ...this.options.logFields, drainTimeoutMs: this.drainTimeoutMs },
      "client does not read; dropping it (its messages stay stored)",
    );
    this.close();
    this.options.onStalled(this.drainTimeoutMs);
  };
}
