import type { LoadStep, PaddleResult, RelayResult } from "./bench-results.js";
import type { Variant } from "./bench-variant.js";

/**
 * The set-ups the scale-out section compares: one node on each store, then the sender's node and the
 * receiver's node apart, sharing one Redis.
 */
export const SCALE_OUT_SETUPS = ["memory", "sqlite", "redis-one-node", "redis-two-nodes"] as const;

/** One of {@link SCALE_OUT_SETUPS}. */
export type ScaleOutSetup = (typeof SCALE_OUT_SETUPS)[number];

/** Redis commands counted with `INFO commandstats` over one measurement, per message whose send was answered. */
export interface RedisCommandCount {
  /** Messages whose send was answered during the measurement (warm-up and set-up included). */
  readonly messages: number;
  /** Every command Redis ran, the ones inside scripts included, per message. */
  readonly commandsPerMessage: number;
  /** Script calls (`EVALSHA`, `EVAL`) per message: each is one request from a node. */
  readonly scriptCallsPerMessage: number;
  /** Calls per message by command name (`evalsha`, `hget`, `spublish`, …). */
  readonly byCommand: Readonly<Record<string, number>>;
}

/** One set-up's figures. */
export interface ScaleOutRow {
  readonly setup: ScaleOutSetup;
  /** How tables name it. */
  readonly label: string;
  /** Chat nodes the clients were spread over: senders on the first, receivers on the last. */
  readonly nodes: number;
  /** Two clients, the sender sending to the receiver and waiting for the delivery before the next. */
  readonly paddle: PaddleResult;
  readonly relay: RelayResult;
  /** The offered-rate steps of latency under load (up to the first the set-up could not keep up with). */
  readonly load: readonly LoadStep[];
  /** Redis set-ups only. */
  readonly redisCommands?: {
    readonly paddle: RedisCommandCount;
    readonly relay: RedisCommandCount;
  };
}

/** The scale-out section of a run. */
export interface ScaleOutResults {
  /** The protocol variant every client spoke. */
  readonly variant: Variant;
  /** How the chat nodes ran. */
  readonly nodesRanAs: "child processes";
  /** `redis-server --version`'s version, and the durability settings it ran with. */
  readonly redisVersion: string;
  readonly redisSettings: Readonly<Record<string, string>>;
  /** The offered rate the latency target is checked at. */
  readonly targetRate: number;
  readonly rows: readonly ScaleOutRow[];
}
