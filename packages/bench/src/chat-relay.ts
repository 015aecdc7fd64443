import type { ChatClient, ClientTls, IncomingMessage } from "@chat/core";
import type { RelayResult } from "./bench-results.js";
import type { Variant } from "./bench-variant.js";
import {
  type ClientPorts,
  closeAll,
  contentOf,
  forEachLimited,
  loggedInClient,
  measureDeliveries,
  type PairRunSettings,
  sleep,
  splitPorts,
} from "./chat-clients.js";
import { round3 } from "./latency-recorder.js";

/** Relay messages carry full content: a 529-byte `msg` frame on the wire. */
export const RELAY_CONTENT_BYTES = 512;
/** Receivers acknowledge every this many deliveries. */
const ACK_EVERY = 64;
/** How long the end of a run waits for the sends still in flight. */
const DRAIN_MS = 5_000;

/** Settings of one relay run. */
export interface RelaySettings extends PairRunSettings {
  /** Sends each sender keeps in flight. */
  readonly window: number;
}

/**
 * Reads a receiver's deliveries until its connection ends, acknowledging them in batches with at most one
 * ack in flight. Never rejects.
 */
export function consume(client: ChatClient, onMessage: (message: IncomingMessage) => void): Promise<void> {
  return (async () => {
    let sinceAck = 0;
    let acking: Promise<void> = Promise.resolve();
    for await (const message of client.messages) {
      onMessage(message);
      if (++sinceAck >= ACK_EVERY) {
        sinceAck = 0;
        await acking;
        acking = client.ack(message.seq).catch(() => {});
      }
    }
    await acking;
  })().catch(() => {});
}

/**
 * N senders to N receivers through the server: sender i sends to receiver i, keeping `window` sends in
 * flight; delivered messages per second over the measured window (after a warm-up) is the figure. With
 * two ports, the senders use one server and the receivers the other.
 */
export async function chatRelay(
  variant: Variant,
  ports: ClientPorts,
  settings: RelaySettings,
  runId: string,
  tls: ClientTls = false,
): Promise<RelayResult> {
  const indexes = Array.from({ length: settings.pairs }, (_, index) => index);
  const pairs: { sender: ChatClient; to: string }[] = [];
  const clients: ChatClient[] = [];
  const port = splitPorts(ports);
  let delivered = 0;
  let sent = 0;
  let failures = 0;
  let inFlight = 0;
  let running = true;
  const consumers: Promise<void>[] = [];
  try {
    await forEachLimited(indexes, 8, async (index) => {
      const to = `r${runId}_${index}`;
      const receiver = await loggedInClient(variant, port.receivers, to, tls);
      clients.push(receiver);
      consumers.push(consume(receiver, () => delivered++));
      const sender = await loggedInClient(variant, port.senders, `s${runId}_${index}`, tls);
      clients.push(sender);
      pairs.push({ sender, to });
    });
    const content = contentOf(RELAY_CONTENT_BYTES);
    for (const { sender, to } of pairs) {
      let mine = 0;
      const pump = (): void => {
        while (running && mine < settings.window) {
          mine++;
          inFlight++;
          sender.send(to, content).then(
            () => {
              sent++;
              mine--;
              inFlight--;
              pump();
            },
            () => {
              failures++;
              mine--;
              inFlight--;
            },
          );
        }
      };
      pump();
    }
    const { count, seconds } = await measureDeliveries(() => delivered, settings);
    running = false;
    const deadline = performance.now() + DRAIN_MS;
    while (inFlight > 0 && performance.now() < deadline) await sleep(10);
    if (count === 0) throw new Error(`${variant} relay: nothing was delivered (${failures} sends failed)`);
    return {
      name: tls === false ? `${variant} relay` : `${variant} relay over TLS`,
      variant,
      pairs: settings.pairs,
      window: settings.window,
      contentBytes: RELAY_CONTENT_BYTES,
      delivered: count,
      sent,
      messagesPerSecond: round3(count / seconds),
    };
  } finally {
    running = false;
    await closeAll(clients);
    await Promise.all(consumers);
  }
}
