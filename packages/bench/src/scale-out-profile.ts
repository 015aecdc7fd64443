import type { BenchProfile } from "./bench-profile.js";

/** How long and how hard the scale-out section runs; one per bench profile. */
export interface ScaleOutProfile {
  /** The two-client paddle: warm-up round trips, then a run bounded in time and count. */
  readonly paddleWarmup: number;
  readonly paddleMs: number;
  readonly paddleMaxRoundTrips: number;
  /** Relay: pairs, sends in flight per sender, warm-up and measured time. */
  readonly relayPairs: number;
  readonly relayWindow: number;
  readonly relayWarmupMs: number;
  readonly relayMs: number;
  /** Latency under load: offered rates in increasing order (the last is the target's), pairs, times. */
  readonly loadRates: readonly number[];
  readonly loadPairs: number;
  readonly loadWarmupMs: number;
  readonly loadMs: number;
}

/** The offered rate of the latency target: p99 ≤ 10 ms at 10,000 messages per second. */
export const SCALE_OUT_TARGET_RATE = 10_000;
/** The latency target's p99 bound, in milliseconds. */
export const SCALE_OUT_TARGET_P99_MS = 10;
/** The throughput target: the cross-node relay at least this fraction of the single-node SQLite relay. */
export const SCALE_OUT_TARGET_RELAY_FRACTION = 0.5;

/** Per bench profile. The relay's pairs and window are the transports' verdict relay's (8 pairs, 32 in flight). */
export const SCALE_OUT_PROFILES: Readonly<Record<BenchProfile["name"], ScaleOutProfile>> = {
  // A smoke run: a few seconds per set-up, four set-ups.
  quick: {
    paddleWarmup: 20,
    paddleMs: 300,
    paddleMaxRoundTrips: 20_000,
    relayPairs: 8,
    relayWindow: 32,
    relayWarmupMs: 100,
    relayMs: 300,
    loadRates: [SCALE_OUT_TARGET_RATE],
    loadPairs: 8,
    loadWarmupMs: 200,
    loadMs: 500,
  },
  full: {
    paddleWarmup: 500,
    paddleMs: 5_000,
    paddleMaxRoundTrips: 2_000_000,
    relayPairs: 8,
    relayWindow: 32,
    relayWarmupMs: 1_000,
    relayMs: 5_000,
    loadRates: [2_500, 5_000, SCALE_OUT_TARGET_RATE],
    loadPairs: 8,
    loadWarmupMs: 1_000,
    loadMs: 4_000,
  },
};
