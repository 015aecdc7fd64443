import type {
  BaselineRatio,
  LoadResult,
  OperationBytes,
  PaddleResult,
  RelayResult,
  TargetCheck,
} from "./bench-results.js";
import { transportOf, VARIANT_LABELS, VARIANTS, type Variant } from "./bench-variant.js";
import { integer, percent } from "./report-format.js";

/** The measurements the ratios and targets are computed from. */
export interface RatioInputs {
  readonly paddle: readonly PaddleResult[];
  readonly relay: readonly RelayResult[];
  readonly load: readonly LoadResult[];
  readonly payload: readonly OperationBytes[];
}

/** The relay size the targets and the verdict table use: 8 pairs, as in the targets' wording. */
export const VERDICT_RELAY_PAIRS = 8;

/** Each transport's bare-runtime baselines: what the runtime itself does for the same paddle and relay. */
const BASELINES = {
  wire: { paddle: "node:net ping-pong", relay: "node:net relay" },
  grpc: { paddle: "grpc-js send + stream", relay: "grpc-js relay" },
} as const;

export function paddleOf(inputs: Pick<RatioInputs, "paddle">, name: string): PaddleResult | undefined {
  return inputs.paddle.find((result) => result.name === name);
}

export function relayOf(
  inputs: Pick<RatioInputs, "relay">,
  name: string,
  pairs: number,
): RelayResult | undefined {
  return inputs.relay.find((result) => result.name === name && result.pairs === pairs);
}

/** Socket bytes of a `size`-byte message sent (both directions) and delivered, for one variant. */
export function messageBytesOf(
  payload: readonly OperationBytes[],
  variant: Variant,
  size: number,
): number | undefined {
  const total = (operation: string): number | undefined => {
    const row = payload.find(
      (candidate) => candidate.variant === variant && candidate.operation === operation,
    );
    return row && row.clientToServer.socketBytes + row.serverToClient.socketBytes;
  };
  const send = total(`send ${size} B`);
  const delivery = total(`delivery ${size} B`);
  return send === undefined || delivery === undefined ? undefined : send + delivery;
}

function ratio(
  measure: string,
  variant: Variant,
  value: number | undefined,
  baselineName: string,
  baseline: number | undefined,
): BaselineRatio[] {
  if (value === undefined || baseline === undefined || baseline <= 0) return [];
  return [
    {
      measure,
      variant,
      value,
      baselineName,
      baseline,
      fraction: Math.round((value / baseline) * 1000) / 1000,
    },
  ];
}

/** Each variant's figures as fractions of its transport's bare runtime doing the same thing in the same run. */
export function baselineRatios(inputs: RatioInputs): BaselineRatio[] {
  const ratios: BaselineRatio[] = [];
  const pairCounts = [...new Set(inputs.relay.map((result) => result.pairs))].sort((a, b) => a - b);
  for (const variant of VARIANTS) {
    const baseline = BASELINES[transportOf(variant)];
    ratios.push(
      ...ratio(
        "paddle round trips/s",
        variant,
        paddleOf(inputs, `${variant} paddle`)?.roundTripsPerSecond,
        baseline.paddle,
        paddleOf(inputs, baseline.paddle)?.roundTripsPerSecond,
      ),
    );
    for (const pairs of pairCounts) {
      ratios.push(
        ...ratio(
          `relay ${pairs} pairs msgs/s`,
          variant,
          relayOf(inputs, `${variant} relay`, pairs)?.messagesPerSecond,
          baseline.relay,
          relayOf(inputs, baseline.relay, pairs)?.messagesPerSecond,
        ),
      );
    }
  }
  return ratios;
}

/** The targets of this bench against this run: reported, never enforced. */
export function targetChecks(inputs: RatioInputs): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const label = (variant: Variant): string => VARIANT_LABELS[variant];

  const compact1 = messageBytesOf(inputs.payload, "wire-compact", 1);
  if (compact1 !== undefined) {
    checks.push({
      target: "compact wire: a 1-byte message sent and delivered ≤ 80 B on the socket",
      measured: `${integer(compact1)} B`,
      met: compact1 <= 80,
    });
  }
  const compact512 = messageBytesOf(inputs.payload, "wire-compact", 512);
  const grpc512 = messageBytesOf(inputs.payload, "grpc-unary", 512);
  if (compact512 !== undefined && grpc512 !== undefined) {
    checks.push({
      target: "compact wire: a 512-byte message ≤ 1,092 B and below gRPC unary",
      measured: `${integer(compact512)} B (gRPC unary ${integer(grpc512)} B)`,
      met: compact512 <= 1_092 && compact512 < grpc512,
    });
  }

  const stream = relayOf(inputs, "grpc-stream relay", VERDICT_RELAY_PAIRS);
  const unary = relayOf(inputs, "grpc-unary relay", VERDICT_RELAY_PAIRS);
  if (stream && unary) {
    const times = stream.messagesPerSecond / unary.messagesPerSecond;
    checks.push({
      target: `gRPC stream relay ≥ 10× gRPC unary and ≥ 50,000 msgs/s (${VERDICT_RELAY_PAIRS} pairs, 512 B)`,
      measured: `${integer(stream.messagesPerSecond)} msgs/s, ${times.toFixed(1)}× unary (${integer(unary.messagesPerSecond)})`,
      met: times >= 10 && stream.messagesPerSecond >= 50_000,
    });
  }

  const ratioTarget = (variant: Variant, what: "paddle" | "relay", minimum: number): void => {
    const baselineName = BASELINES[transportOf(variant)][what];
    const value =
      what === "paddle"
        ? paddleOf(inputs, `${variant} paddle`)?.roundTripsPerSecond
        : relayOf(inputs, `${variant} relay`, VERDICT_RELAY_PAIRS)?.messagesPerSecond;
    const baseline =
      what === "paddle"
        ? paddleOf(inputs, baselineName)?.roundTripsPerSecond
        : relayOf(inputs, baselineName, VERDICT_RELAY_PAIRS)?.messagesPerSecond;
    if (value === undefined || baseline === undefined || baseline <= 0) return;
    const scope = what === "relay" ? ` (${VERDICT_RELAY_PAIRS} pairs)` : "";
    checks.push({
      target: `${label(variant)} ${what} ≥ ${percent(minimum)} of bare ${baselineName}${scope}`,
      measured: `${percent(value / baseline)} (${integer(value)} vs ${integer(baseline)}/s)`,
      met: value / baseline >= minimum,
    });
  };
  for (const variant of ["wire-fixed", "wire-compact"] as const) {
    ratioTarget(variant, "paddle", 0.9);
    ratioTarget(variant, "relay", 0.8);
  }
  ratioTarget("grpc-unary", "paddle", 1);
  ratioTarget("grpc-unary", "relay", 1);

  for (const variant of ["wire-fixed", "wire-compact"] as const) {
    const load = inputs.load.find((result) => result.variant === variant);
    if (!load) continue;
    const step = load.steps.find((candidate) => candidate.offeredPerSecond === 100_000);
    const last = load.steps.at(-1);
    checks.push({
      target: `${label(variant)} p99 ≤ 5 ms at 100,000 msgs/s offered`,
      measured: step
        ? `p99 ${step.latency.p99Ms} ms, delivered ${integer(step.deliveredPerSecond)}/s${step.saturated ? " (saturated)" : ""}`
        : `not reached: saturated at ${integer(last?.offeredPerSecond ?? 0)} msgs/s offered`,
      met: step !== undefined && !step.saturated && step.latency.p99Ms <= 5,
    });
  }
  return checks;
}
