import type { BenchSection } from "./bench-sections.js";
import type { Variant } from "./bench-variant.js";
import type { LatencySummary } from "./latency-recorder.js";
import type { ScaleOutResults } from "./scale-out-results.js";
import type { TlsCostResult } from "./tls-cost.js";

/** The machine a run was measured on. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly cores: number;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly totalMemoryMiB: number;
  /** Load average over the last minute when the run ended: how busy the machine was with other work. */
  readonly loadAverage1m: number;
}

/** Bytes that crossed the socket in one direction during one operation. */
export interface DirectionBytes {
  /** Everything written to the TCP socket (wire: the frames; gRPC: HTTP/2 frames, headers, gRPC prefixes). */
  readonly socketBytes: number;
  /** The encoded messages alone: wire frame bytes, or protobuf message bytes (no gRPC prefix). */
  readonly messageBytes: number;
  /** The messages that crossed, each as `name:bytes` (wire frame type, or `pb` for a protobuf message). */
  readonly messages: readonly string[];
}

/** Payload size of one operation on one protocol variant. */
export interface OperationBytes {
  readonly operation: string;
  readonly variant: Variant;
  readonly clientToServer: DirectionBytes;
  readonly serverToClient: DirectionBytes;
}

/**
 * One closed-loop round-trip measurement ("paddle": one client sends to itself and waits for the delivery
 * before sending again; for a baseline, the bare runtime doing the same exchange).
 */
export interface PaddleResult {
  readonly name: string;
  /** The chat variant measured; absent for a baseline. */
  readonly variant?: Variant;
  /** How the client actually ran (`compact frames`, `Chat stream`, …); absent for a baseline. */
  readonly ranAs?: string;
  readonly roundTrips: number;
  readonly roundTripsPerSecond: number;
  readonly latency: LatencySummary;
}

/** One relay measurement: N senders to N receivers. */
export interface RelayResult {
  readonly name: string;
  /** The chat variant measured; absent for a baseline. */
  readonly variant?: Variant;
  readonly pairs: number;
  readonly window: number;
  readonly contentBytes: number;
  readonly delivered: number;
  /** Chat relays: sends answered over the whole run (warm-up and drain included); absent for a baseline. */
  readonly sent?: number;
  readonly messagesPerSecond: number;
}

/** One fixed-rate step of latency under load. */
export interface LoadStep {
  readonly offeredPerSecond: number;
  readonly deliveredPerSecond: number;
  /** Sends that could not be issued because the in-flight cap was reached (a sign of saturation). */
  readonly skipped: number;
  /** Messages sent in the measured window but not delivered before the drain deadline. */
  readonly undelivered: number;
  readonly saturated: boolean;
  readonly latency: LatencySummary;
}

/** Latency under load for one protocol variant. */
export interface LoadResult {
  readonly variant: Variant;
  readonly pairs: number;
  readonly contentBytes: number;
  readonly steps: readonly LoadStep[];
  /** Highest offered rate the server kept up with (delivered ≥ 95 % of offered); 0 when none. */
  readonly saturationPerSecond: number;
}

/** Stored-message throughput of one store. */
export interface StoreResult {
  readonly store: "memory" | "sqlite";
  readonly messages: number;
  readonly contentBytes: number;
  readonly appendPerSecond: number;
  readonly drainPerSecond: number;
  /** SQLite only: database file size (after checkpoint) scaled to one million messages. */
  readonly bytesPerMillionMessages?: number;
}

/** A variant's figure as a fraction of the bare runtime doing the same thing. */
export interface BaselineRatio {
  readonly measure: string;
  readonly variant: Variant;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  readonly fraction: number;
}

/** A target and whether this run met it (reported, never enforced). */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** Everything one bench run measured. */
export interface BenchResults {
  readonly version: 2;
  readonly profile: "quick" | "full";
  /** The sections this run ran (`--only`); the others' lists are empty. */
  readonly sections: readonly BenchSection[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: MachineFacts;
  readonly payload: readonly OperationBytes[];
  readonly paddle: readonly PaddleResult[];
  readonly relay: readonly RelayResult[];
  readonly load: readonly LoadResult[];
  readonly stores: readonly StoreResult[];
  /** The scale-out section; absent when it did not run. */
  readonly scaleOut?: ScaleOutResults;
  /** The TLS section: each measured variant in plaintext and over TLS; absent when it did not run. */
  readonly tls?: readonly TlsCostResult[];
  /** The offered rate every variant's latency-under-load steps include: the verdict table's p99 column. */
  readonly commonLoadRate: number;
  readonly ratios: readonly BaselineRatio[];
  readonly targets: readonly TargetCheck[];
}
