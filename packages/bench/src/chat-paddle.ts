import type { ChatClient, ClientTls } from "@chat/core";
import type { PaddleResult } from "./bench-results.js";
import { ranAs, VARIANT_TAGS, type Variant } from "./bench-variant.js";
import { closeAll, contentOf, inboxOf, loggedInClient } from "./chat-clients.js";
import { LatencyRecorder, nowMs, round3 } from "./latency-recorder.js";

/** Content of a paddle message: a short chat line. */
export const PADDLE_CONTENT_BYTES = 64;
/** The paddle acknowledges its deliveries every this many round trips (a real client acks too). */
const ACK_EVERY = 100;

/** Bounds of a closed-loop run. */
export interface PaddleBounds {
  readonly warmup: number;
  readonly durationMs: number;
  readonly maxRoundTrips: number;
}

/**
 * Runs a closed loop bounded in time and count: `roundTrip` is awaited again and again; each one's
 * latency is recorded after `warmup` unrecorded ones.
 */
export async function closedLoop(
  name: string,
  bounds: PaddleBounds,
  roundTrip: () => Promise<void>,
): Promise<PaddleResult> {
  for (let index = 0; index < bounds.warmup; index++) await roundTrip();
  const recorder = new LatencyRecorder(bounds.maxRoundTrips);
  const start = nowMs();
  const deadline = start + bounds.durationMs;
  let count = 0;
  let now = start;
  while (now < deadline && count < bounds.maxRoundTrips) {
    const before = now;
    await roundTrip();
    now = nowMs();
    recorder.record(now - before);
    count++;
  }
  const seconds = (now - start) / 1000;
  return {
    name,
    roundTrips: count,
    roundTripsPerSecond: round3(count / seconds),
    latency: recorder.summary(),
  };
}

/** Who plays a paddle: `sender` sends to the account `to`, whose client `receiver` gets and acks it. */
export interface PaddlePlayers {
  readonly sender: ChatClient;
  readonly receiver: ChatClient;
  readonly to: string;
}

/**
 * The paddle's closed loop: the sender sends a 64-byte message and waits for both the send's reply and the
 * receiver's delivery, over and over; the receiver acknowledges every 100th delivery. One client may play
 * both parts. Closes the players at the end.
 */
export async function paddleBetween(
  name: string,
  variant: Variant,
  bounds: PaddleBounds,
  { sender, receiver, to }: PaddlePlayers,
): Promise<PaddleResult> {
  const inbox = inboxOf(receiver);
  const content = contentOf(PADDLE_CONTENT_BYTES);
  let sinceAck = 0;
  let acking: Promise<void> = Promise.resolve();
  try {
    const result = await closedLoop(name, bounds, async () => {
      const [, message] = await Promise.all([sender.send(to, content), inbox.next()]);
      if (++sinceAck === ACK_EVERY) {
        sinceAck = 0;
        // At most one ack in flight, not awaited inside the round trip: it travels alongside the next send.
        await acking;
        acking = receiver.ack(message.seq);
      }
    });
    return { ...result, variant, ranAs: ranAs(sender) };
  } finally {
    await acking.catch(() => {});
    await closeAll([...new Set([sender, receiver])]);
  }
}

/**
 * The seed's paddle: one client sends a message to itself and waits for its delivery (and the send's
 * reply), over and over. With `tls` the client speaks TLS (to a TLS server) and the result is named so.
 */
export async function chatPaddle(
  variant: Variant,
  port: number,
  bounds: PaddleBounds,
  tls: ClientTls = false,
): Promise<PaddleResult> {
  const username = `paddle_${VARIANT_TAGS[variant]}`;
  const client = await loggedInClient(variant, port, username, tls);
  const name = tls === false ? `${variant} paddle` : `${variant} paddle over TLS`;
  return paddleBetween(name, variant, bounds, { sender: client, receiver: client, to: username });
}
