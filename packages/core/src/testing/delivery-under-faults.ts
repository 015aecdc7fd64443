import { expect } from "vitest";
import type { ChatClient } from "../chat-client.js";
import { NO_TIMEOUT } from "../chat-client-options.js";
import type { ChatService } from "../chat-service.js";
import type { ClientStatus } from "../client-status.js";
import type { IncomingMessage } from "../delivery.js";
import { PASSWORD } from "./conformance-world.js";
import type { FaultProxy } from "./fault-proxy.js";

/** Most messages a faulty run sends while it waits for enough faults. */
export const MAX_MESSAGES_PER_FAULTY_RUN = 20_000;

/**
 * Pause between sends once the minimum number of messages is sent and the run only waits for faults:
 * keeps a fast machine from reaching the message cap before the proxy has injected enough faults.
 */
export const PACE_AFTER_MINIMUM_MS = 5;

/** Longest a faulty run may take to hand every message to the receiver once sending is done. */
export const FAULTY_RUN_SETTLE_MS = 30_000;

/** What one run through a {@link FaultProxy} did, for the test to check and print. */
export interface FaultyRunReport {
  readonly cuts: number;
  readonly stalls: number;
  readonly connections: number;
  /** Messages the receiving application got and checked (each once, in order). */
  readonly checked: number;
  /** `disconnected` events of both clients: how often they had to reconnect. */
  readonly reconnects: number;
}

/** Options of {@link runDeliveryUnderFaults}. */
export interface FaultyRunOptions {
  /** The service behind the real server (accounts are registered on it directly). */
  readonly service: ChatService;
  readonly proxy: FaultProxy;
  /** A new client that reconnects, connecting through the proxy. */
  readonly makeClient: () => ChatClient;
  /** How many messages the sender sends at least. */
  readonly messages: number;
  /**
   * Fewest faults (cuts plus stalls) the run must go through: the sender goes on sending past `messages`
   * until the proxy has injected this many (or {@link MAX_MESSAGES_PER_FAULTY_RUN} were sent).
   */
  readonly minFaults: number;
  /** Account names, unique per run. */
  readonly sender: string;
  readonly receiver: string;
}

function countLosses(client: ChatClient, into: { losses: number; gaps: ClientStatus[] }): void {
  void (async () => {
    for await (const status of client.status()) {
      if (status.type === "disconnected") into.losses++;
      if (status.type === "delivery-gap") into.gaps.push(status);
    }
  })();
}

/**
 * Sends `messages` messages, one after another, from a sender to a receiver, both clients reconnecting
 * through a proxy that keeps injecting faults, and checks the guarantee: the receiving application gets
 * every message exactly once and in order (consecutive seqs, contents in sending order), with no gap
 * reported; the sender's outbox ends empty; and the store assigned exactly `messages` sequence numbers
 * (a probe sent afterwards gets the next one), so no resend was stored twice.
 */
export async function runDeliveryUnderFaults(options: FaultyRunOptions): Promise<FaultyRunReport> {
  const { service, proxy, sender, receiver, minFaults } = options;
  let messages = options.messages;
  await service.register(sender, PASSWORD);
  await service.register(receiver, PASSWORD);
  const events = { losses: 0, gaps: [] as ClientStatus[] };
  // Logging in is not repeated after a lost answer (its outcome is unknown), so it happens before faults.
  proxy.setFaulting(false);
  const from = options.makeClient();
  const to = options.makeClient();
  countLosses(from, events);
  countLosses(to, events);
  await from.connect();
  await to.connect();
  await from.login(sender, PASSWORD);
  await to.login(receiver, PASSWORD);
  const received: IncomingMessage[] = [];
  let sending = true;
  let ackFailures = 0;
  let checked = 0;
  let allArrived: () => void = () => {};
  const arrived = new Promise<void>((resolve) => {
    allArrived = resolve;
  });
  const reading = (async () => {
    for await (const message of to.messages) {
      received.push(message);
      // Acknowledged as it goes, so each reconnect resumes from a later point.
      to.ack(message.seq, { timeoutMs: NO_TIMEOUT }).catch(() => ackFailures++);
      if (received.length >= messages && !sending) allArrived();
    }
  })();
  proxy.setFaulting(true);
  try {
    const sent: number[] = [];
    for (let index = 0; index < MAX_MESSAGES_PER_FAULTY_RUN; index++) {
      if (index >= messages) {
        if (proxy.cuts + proxy.stalls >= minFaults) break;
        await new Promise((resolve) => setTimeout(resolve, PACE_AFTER_MINIMUM_MS));
      }
      const result = await from.send(receiver, `message ${index}`, { timeoutMs: NO_TIMEOUT });
      sent.push(result.seq);
    }
    messages = sent.length;
    sending = false;
    // Every send went through the faults; the receiver now catches up without new ones. Faults as frequent
    // as the run's would keep a loaded machine, where a reconnect takes longer, from ever catching up.
    proxy.setFaulting(false);
    if (received.length >= messages) allArrived();
    expect(from.outboxSize).toBe(0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      arrived,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${received.length} of ${messages} messages arrived`)),
          FAULTY_RUN_SETTLE_MS,
        );
      }),
    ]);
    clearTimeout(timer);
    const first = received[0]?.seq ?? 0;
    expect(received.map((message) => message.content)).toEqual(
      Array.from({ length: messages }, (_, index) => `message ${index}`),
    );
    expect(received.map((message) => message.seq)).toEqual(
      Array.from({ length: messages }, (_, index) => first + index),
    );
    expect(sent).toEqual(received.map((message) => message.seq));
    expect(events.gaps).toEqual([]);
    checked = received.length;
    const probe = await from.send(receiver, "probe", { timeoutMs: NO_TIMEOUT });
    expect(probe.seq).toBe(first + messages);
    expect(ackFailures).toBe(0);
  } finally {
    proxy.setFaulting(false);
    await from.close();
    await to.close();
    await reading;
  }
  return {
    cuts: proxy.cuts,
    stalls: proxy.stalls,
    connections: proxy.connections,
    checked,
    reconnects: events.losses,
  };
}
