import type { Variant } from "./bench-variant.js";

/** How long and how hard each section runs; `--quick` picks the short profile. */
export interface BenchProfile {
  readonly name: "quick" | "full";
  /** Paddle: warm-up round trips (not counted), then a measured run bounded in time and count. */
  readonly paddleWarmup: number;
  readonly paddleMs: number;
  readonly paddleMaxRoundTrips: number;
  /** Relay: sender/receiver pair counts, messages in flight per sender, warm-up and measured time. */
  readonly relayPairs: readonly number[];
  readonly relayWindow: number;
  readonly relayWarmupMs: number;
  readonly relayMs: number;
  /** Latency under load: offered rates per variant (messages/s), pairs, warm-up and measured time. */
  readonly loadRates: Readonly<Record<Variant, readonly number[]>>;
  /** A rate in every variant's list: the verdict table compares p99 there. */
  readonly commonLoadRate: number;
  readonly loadPairs: number;
  readonly loadWarmupMs: number;
  readonly loadMs: number;
  /** Store throughput: messages appended then drained, content size. */
  readonly storeMessages: number;
  /** Accounts for the large listing. */
  readonly listAccounts: number;
}

/**
 * What both profiles run alike: the relay's pair counts and window, the load's pairs, and the accounts of
 * the large listing. The quick profile differs only in durations, counts and offered rates, so a smoke
 * run exercises every shape the full one reports.
 */
const SHAPES_OF_EVERY_PROFILE = {
  relayPairs: [1, 8, 64],
  relayWindow: 32,
  loadPairs: 8,
  listAccounts: 1_000,
} as const satisfies Partial<BenchProfile>;

/** A smoke run: every section, tiny durations (well under a minute in total). */
export const QUICK_PROFILE: BenchProfile = {
  ...SHAPES_OF_EVERY_PROFILE,
  name: "quick",
  paddleWarmup: 50,
  paddleMs: 500,
  paddleMaxRoundTrips: 50_000,
  relayWarmupMs: 150,
  relayMs: 500,
  loadRates: {
    "wire-fixed": [2_500, 100_000],
    "wire-compact": [2_500, 100_000],
    "grpc-unary": [500, 2_500],
    "grpc-stream": [2_500, 25_000],
  },
  commonLoadRate: 2_500,
  loadWarmupMs: 200,
  loadMs: 600,
  storeMessages: 5_000,
};

/** The real measurement. */
export const FULL_PROFILE: BenchProfile = {
  ...SHAPES_OF_EVERY_PROFILE,
  name: "full",
  paddleWarmup: 1_000,
  paddleMs: 5_000,
  paddleMaxRoundTrips: 2_000_000,
  relayWarmupMs: 1_000,
  relayMs: 5_000,
  loadRates: {
    "wire-fixed": [5_000, 10_000, 25_000, 50_000, 100_000, 200_000],
    "wire-compact": [5_000, 10_000, 25_000, 50_000, 100_000, 200_000],
    "grpc-unary": [500, 1_000, 2_500, 5_000, 10_000],
    "grpc-stream": [5_000, 10_000, 25_000, 50_000, 100_000],
  },
  commonLoadRate: 5_000,
  loadWarmupMs: 1_000,
  loadMs: 4_000,
  storeMessages: 100_000,
};
