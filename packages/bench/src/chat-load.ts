import type { ChatClient } from "@chat/core";
import type { LoadResult, LoadStep } from "./bench-results.js";
import type { Variant } from "./bench-variant.js";
import {
  type ClientPorts,
  closeAll,
  forEachLimited,
  loggedInClient,
  type PairRunSettings,
  sleep,
  splitPorts,
  taggedContent,
  tagOf,
} from "./chat-clients.js";
import { consume, RELAY_CONTENT_BYTES } from "./chat-relay.js";
import { LatencyRecorder, nowMs, round3 } from "./latency-recorder.js";

/** Most sends outstanding at once; past it a due send is skipped and the step counts as saturated. */
const MAX_IN_FLIGHT = 10_000;
/** How long after the last send a step waits for the stragglers. */
const DRAIN_MS = 1_000;
/** Closed-loop rounds (one message per pair each) sent before the first step. */
const PRIMING_ROUNDS = 20;
/** Longest wait for one priming round's deliveries. */
const PRIMING_TIMEOUT_MS = 5_000;
/**
 * Shortest wait the open loop leaves to a timer: Node's timers fire up to a millisecond late, so a message
 * due sooner is waited for by yielding to the event loop instead.
 */
const TIMER_GRANULARITY_MS = 2;
/** The open loop sends at most once per quantum: what falls due within one goes out together. */
const SEND_QUANTUM_MS = 0.25;
/** A step keeps up when at least this fraction of what was offered arrives. */
const KEPT_UP = 0.95;

/**
 * Latency under load: an open loop offers messages at a fixed rate, spread over N sender → receiver pairs,
 * whatever the server's progress. Latency runs from when each message was due (not when it was actually
 * sent, so a stalled sender cannot hide queueing) to its delivery. Messages due in the warm-up are sent
 * but not recorded. Rates are tried in increasing order and the run stops after the first one the server
 * cannot keep up with. With two ports, the senders use one server and the receivers the other.
 */
export async function chatLoad(
  variant: Variant,
  ports: ClientPorts,
  rates: readonly number[],
  settings: PairRunSettings,
  runId: string,
  onStep: (step: LoadStep) => void = () => {},
): Promise<LoadResult> {
  const indexes = Array.from({ length: settings.pairs }, (_, index) => index);
  const port = splitPorts(ports);
  const senders: { client: ChatClient; to: string }[] = [];
  const clients: ChatClient[] = [];
  const consumers: Promise<void>[] = [];
  let deliver: (tag: number, at: number) => void = () => {};
  const steps: LoadStep[] = [];
  try {
    await forEachLimited(indexes, 8, async (index) => {
      const to = `l${runId}_${index}`;
      const receiver = await loggedInClient(variant, port.receivers, to);
      clients.push(receiver);
      consumers.push(consume(receiver, (message) => deliver(tagOf(message.content), nowMs())));
      const client = await loggedInClient(variant, port.senders, `m${runId}_${index}`);
      clients.push(client);
      senders.push({ client, to });
    });
    // Prime every pair with a few closed-loop messages before the first step, so connection set-up and
    // first-call costs (which stalled gRPC's first step for most of a second) are not charged to it.
    let primed = 0;
    deliver = () => {
      primed++;
    };
    for (let round = 0; round < PRIMING_ROUNDS; round++) {
      const expected = primed + senders.length;
      await Promise.all(
        senders.map(({ client, to }) => client.send(to, taggedContent(-1, RELAY_CONTENT_BYTES))),
      );
      const deadline = nowMs() + PRIMING_TIMEOUT_MS;
      while (primed < expected && nowMs() < deadline) await sleep(2);
    }
    let nextTag = 0;
    for (const rate of rates) {
      const total = Math.floor((rate * (settings.warmupMs + settings.durationMs)) / 1000);
      const warmupCount = Math.floor((rate * settings.warmupMs) / 1000);
      const base = nextTag;
      nextTag += total;
      const start = nowMs() + 5;
      const dueAt = (index: number): number => start + (index * 1000) / rate;
      const recorder = new LatencyRecorder(total);
      const windowStart = start + settings.warmupMs;
      const windowEnd = windowStart + settings.durationMs;
      let measuredDelivered = 0;
      let arrivedInWindow = 0;
      deliver = (tag, at) => {
        // Throughput is what arrives while the window is open, whichever step sent it: a server that
        // cannot keep up delivers less than is offered even if it catches up after the senders stop.
        if (at >= windowStart && at < windowEnd) arrivedInWindow++;
        const index = tag - base;
        if (index < warmupCount || index >= total) return;
        measuredDelivered++;
        recorder.record(at - dueAt(index));
      };
      let sent = 0;
      let skipped = 0;
      let inFlight = 0;
      await new Promise<void>((resolve) => {
        let nextSendAt = 0;
        const tick = (): void => {
          const now = nowMs();
          if (now < nextSendAt) {
            setImmediate(tick);
            return;
          }
          const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
          while (sent < due) {
            const index = sent++;
            if (inFlight >= MAX_IN_FLIGHT) {
              skipped++;
              continue;
            }
            const pair = senders[index % senders.length];
            if (!pair) continue;
            inFlight++;
            pair.client.send(pair.to, taggedContent(base + index, RELAY_CONTENT_BYTES)).then(
              () => inFlight--,
              () => inFlight--,
            );
          }
          if (sent >= total) {
            resolve();
            return;
          }
          // Send each message at most one quantum after it is due. A 1 ms timer tick sent what fell due in
          // the last 1–1.5 ms at once, so every message carried up to that much of the generator's own
          // lateness as latency (p50 1.1 ms at 5,000/s offered, 0.2 ms now). Sending each message on its
          // own turn instead costs a socket write per message, which saturated two of three trial runs at
          // 100,000/s on two cores. When the next send is sooner than a timer can reliably wait, the loop yields
          // to I/O with setImmediate (deliveries are read in between) and comes straight back.
          nextSendAt = Math.max(dueAt(sent), now + SEND_QUANTUM_MS);
          const waitMs = nextSendAt - nowMs();
          if (waitMs > TIMER_GRANULARITY_MS) setTimeout(tick, Math.floor(waitMs - TIMER_GRANULARITY_MS / 2));
          else setImmediate(tick);
        };
        tick();
      });
      const measuredCount = total - warmupCount;
      const deadline = nowMs() + DRAIN_MS;
      while (measuredDelivered < measuredCount - skipped && nowMs() < deadline) await sleep(5);
      const deliveredPerSecond = arrivedInWindow / (settings.durationMs / 1000);
      const step: LoadStep = {
        offeredPerSecond: rate,
        deliveredPerSecond: round3(deliveredPerSecond),
        skipped,
        undelivered: measuredCount - measuredDelivered,
        saturated:
          skipped > 0 || measuredDelivered < measuredCount || arrivedInWindow < KEPT_UP * measuredCount,
        latency: recorder.summary(),
      };
      steps.push(step);
      onStep(step);
      // Let the previous step's backlog clear so it does not count against the next one.
      const settleUntil = nowMs() + DRAIN_MS;
      while (inFlight > 0 && nowMs() < settleUntil) await sleep(5);
      if (step.saturated) break;
    }
  } finally {
    deliver = () => {};
    await closeAll(clients);
    await Promise.all(consumers);
  }
  const kept = steps.filter((step) => !step.saturated).map((step) => step.offeredPerSecond);
  return {
    variant,
    pairs: settings.pairs,
    contentBytes: RELAY_CONTENT_BYTES,
    steps,
    saturationPerSecond: kept.length === 0 ? 0 : Math.max(...kept),
  };
}
