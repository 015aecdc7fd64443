import type { ChatService, RequestEvent, ServiceObserver, Store } from "@chat/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Request latency buckets, in seconds: from sub-millisecond sends and acks up to logins, which spend
 * around 100 ms in scrypt by design (more on a loaded machine).
 */
export const REQUEST_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/**
 * The server's Prometheus metrics, fed by core's {@link ServiceObserver} hooks and read from the service
 * and store at scrape time. Names follow Prometheus conventions (`_total` counters, base units):
 *
 * - `chat_connections_opened_total{transport}`, `chat_connections_open{transport}`
 * - `chat_sessions_live`: logged-in sessions over every transport
 * - `chat_messages_sent_total{delivery="live"|"stored"}`, `chat_messages_delivered_total{transport}`
 * - `chat_messages_queued`: stored messages not yet acknowledged (the offline queue's depth), when the
 *   store can count them
 * - `chat_request_duration_seconds{transport,operation}`: a histogram of every request
 * - `chat_request_errors_total{transport,operation,code}`: failed requests by `ChatError` code
 *
 * plus prom-client's default process and Node.js runtime metrics.
 */
export class ChatMetrics {
  /** Every metric, for the `/metrics` endpoint. */
  readonly registry = new Registry();
  private readonly connectionsOpened: Counter<"transport">;
  private readonly connectionsOpen: Gauge<"transport">;
  private readonly messagesSent: Counter<"delivery">;
  private readonly messagesDelivered: Counter<"transport">;
  private readonly requestDuration: Histogram<"transport" | "operation">;
  private readonly requestErrors: Counter<"transport" | "operation" | "code">;
  private service: ChatService | undefined;
  private store: Store | undefined;

  /** The hooks to pass as `ChatServiceOptions.observer`. */
  readonly observer: ServiceObserver;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // Counters and gauges differ only in name, help and labels; each is registered here, once.
    const counter = <Label extends string>(name: string, help: string, labelNames: readonly Label[]) =>
      new Counter<Label>({ name, help, labelNames, registers });
    const gauge = <Label extends string>(name: string, help: string, labelNames: readonly Label[]) =>
      new Gauge<Label>({ name, help, labelNames, registers });
    this.connectionsOpened = counter("chat_connections_opened_total", "Connections opened, by transport.", [
      "transport",
    ]);
    this.connectionsOpen = gauge("chat_connections_open", "Connections open now, by transport.", [
      "transport",
    ]);
    this.messagesSent = counter(
      "chat_messages_sent_total",
      "Messages accepted, by whether the recipient was online (live) or not (stored).",
      ["delivery"],
    );
    this.messagesDelivered = counter(
      "chat_messages_delivered_total",
      "Messages handed to a recipient's connection, by transport.",
      ["transport"],
    );
    this.requestDuration = new Histogram({
      name: "chat_request_duration_seconds",
      help: "Time to serve a request, by transport and operation.",
      labelNames: ["transport", "operation"],
      buckets: REQUEST_DURATION_BUCKETS,
      registers,
    });
    this.requestErrors = counter(
      "chat_request_errors_total",
      "Failed requests, by transport, operation and error code.",
      ["transport", "operation", "code"],
    );
    const metrics = this;
    new Gauge({
      name: "chat_sessions_live",
      help: "Logged-in sessions, over every transport.",
      registers,
      collect() {
        this.set(metrics.service?.sessionCount ?? 0);
      },
    });
    this.observer = {
      connectionOpened: (transport) => {
        this.connectionsOpened.inc({ transport });
        this.connectionsOpen.inc({ transport });
      },
      connectionClosed: (transport) => this.connectionsOpen.dec({ transport }),
      requestFinished: (event) => this.recordRequest(event),
      messageSent: (delivery) => this.messagesSent.inc({ delivery }),
      messageDelivered: (transport) => this.messagesDelivered.inc({ transport }),
    };
  }

  /**
   * Where the scrape-time gauges read from: the running service and its store. `chat_messages_queued` is
   * registered only for a store that can count its messages (`Store.countMessages`), so a store that cannot
   * (Redis) shows no queue depth rather than a false 0.
   */
  track(service: ChatService, store: Store): void {
    this.service = service;
    if (store.countMessages === undefined || this.store !== undefined) return;
    this.store = store;
    const metrics = this;
    new Gauge({
      name: "chat_messages_queued",
      help: "Stored messages not yet acknowledged by their recipients (the offline queue's depth).",
      registers: [this.registry],
      async collect() {
        const count = await metrics.store?.countMessages?.().catch(() => undefined);
        if (count !== undefined) this.set(count);
      },
    });
  }

  private recordRequest(event: RequestEvent): void {
    const labels = { transport: event.transport, operation: event.operation };
    this.requestDuration.observe(labels, event.durationMs / 1000);
    if (event.errorCode !== undefined) this.requestErrors.inc({ ...labels, code: event.errorCode });
  }
}
