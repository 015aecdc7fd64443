import {
  LOGGED_IN_ELSEWHERE_GRACE_MS,
  RECONNECT_BACKOFF_FACTOR,
  RECONNECT_INITIAL_DELAY_MS,
  RECONNECT_JITTER,
  RECONNECT_MAX_DELAY_MS,
  type ReconnectOptions,
} from "./chat-client-options.js";

/** A client's {@link ReconnectOptions} with every default filled in and checked. */
export interface ReconnectPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly waitForConnection: boolean;
  readonly loggedInElsewhereGraceMs: number;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (Number.isNaN(chosen) || chosen < 0) throw new RangeError(`reconnect.${name} must be 0 or more`);
  return chosen;
}

/** The policy of a client's `reconnect` option, or `undefined` when it does not reconnect. */
export function reconnectPolicy(option: boolean | ReconnectOptions | undefined): ReconnectPolicy | undefined {
  if (option === undefined || option === false) return undefined;
  const options: ReconnectOptions = option === true ? {} : option;
  const initialDelayMs = nonNegative(options.initialDelayMs, RECONNECT_INITIAL_DELAY_MS, "initialDelayMs");
  return {
    maxAttempts: nonNegative(options.maxAttempts, Number.POSITIVE_INFINITY, "maxAttempts"),
    initialDelayMs,
    maxDelayMs: Math.max(
      initialDelayMs,
      nonNegative(options.maxDelayMs, RECONNECT_MAX_DELAY_MS, "maxDelayMs"),
    ),
    waitForConnection: options.waitForConnection ?? true,
    loggedInElsewhereGraceMs: nonNegative(
      options.loggedInElsewhereGraceMs,
      LOGGED_IN_ELSEWHERE_GRACE_MS,
      "loggedInElsewhereGraceMs",
    ),
  };
}

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a loss): the initial delay doubled
 * per attempt, capped, with its top {@link RECONNECT_JITTER} share random. `random` is in [0, 1).
 */
export function reconnectDelay(policy: ReconnectPolicy, attempt: number, random: number): number {
  const growth = RECONNECT_BACKOFF_FACTOR ** Math.min(attempt, 64);
  const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * growth);
  return Math.round(delay * (1 - RECONNECT_JITTER * random));
}
