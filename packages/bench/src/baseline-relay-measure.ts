import type { RelayResult } from "./bench-results.js";
import { measureDeliveries } from "./chat-clients.js";
import type { RelaySettings } from "./chat-relay.js";
import { round3 } from "./latency-recorder.js";

/**
 * Measures a baseline relay with the timing every relay uses (so the figures compare) and reports it under
 * `name`. A baseline has no chat variant and counts no answered sends, so its result has neither.
 */
export async function measureBaselineRelay(
  name: string,
  contentBytes: number,
  delivered: () => number,
  settings: RelaySettings,
): Promise<RelayResult> {
  const { count, seconds } = await measureDeliveries(delivered, settings);
  return {
    name,
    pairs: settings.pairs,
    window: settings.window,
    contentBytes,
    delivered: count,
    messagesPerSecond: round3(count / seconds),
  };
}
