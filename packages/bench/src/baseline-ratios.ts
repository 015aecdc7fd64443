import type {
  BaselineRatio,
  LoadResult,
  PaddleResult,
  RelayResult,
  TargetCheck,
  Transport,
} from "./bench-results.js";

/** The measurements the ratios and targets are computed from. */
export interface RatioInputs {
  readonly paddle: readonly PaddleResult[];
  readonly relay: readonly RelayResult[];
  readonly load: readonly LoadResult[];
}

function paddleOf(inputs: RatioInputs, name: string): PaddleResult | undefined {
  return inputs.paddle.find((result) => result.name === name);
}

function relayOf(inputs: RatioInputs, name: string, pairs: number): RelayResult | undefined {
  return inputs.relay.find((result) => result.name === name && result.pairs === pairs);
}

function ratio(
  measure: string,
  transport: Transport,
  value: number | undefined,
  baselineName: string,
  baseline: number | undefined,
): BaselineRatio[] {
  if (value === undefined || baseline === undefined || baseline <= 0) return [];
  return [
    {
      measure,
      transport,
      value,
      baselineName,
      baseline,
      fraction: Math.round((value / baseline) * 1000) / 1000,
    },
  ];
}

/** Each transport's figures as fractions of the bare runtime doing the same thing in the same run. */
export function baselineRatios(inputs: RatioInputs): BaselineRatio[] {
  const ratios: BaselineRatio[] = [
    ...ratio(
      "paddle round trips/s",
      "wire",
      paddleOf(inputs, "wire paddle")?.roundTripsPerSecond,
      "node:net ping-pong",
      paddleOf(inputs, "node:net ping-pong")?.roundTripsPerSecond,
    ),
    ...ratio(
      "paddle round trips/s",
      "grpc",
      paddleOf(inputs, "grpc paddle")?.roundTripsPerSecond,
      "grpc-js send + stream",
      paddleOf(inputs, "grpc-js send + stream")?.roundTripsPerSecond,
    ),
  ];
  const pairCounts = [...new Set(inputs.relay.map((result) => result.pairs))].sort((a, b) => a - b);
  for (const pairs of pairCounts) {
    ratios.push(
      ...ratio(
        `relay ${pairs} pairs msgs/s`,
        "wire",
        relayOf(inputs, "wire relay", pairs)?.messagesPerSecond,
        "node:net relay",
        relayOf(inputs, "node:net relay", pairs)?.messagesPerSecond,
      ),
      ...ratio(
        `relay ${pairs} pairs msgs/s`,
        "grpc",
        relayOf(inputs, "grpc relay", pairs)?.messagesPerSecond,
        "grpc-js relay",
        relayOf(inputs, "grpc-js relay", pairs)?.messagesPerSecond,
      ),
    );
  }
  return ratios;
}

function bestRelay(inputs: RatioInputs, name: string): RelayResult | undefined {
  return inputs.relay
    .filter((result) => result.name === name)
    .reduce<RelayResult | undefined>(
      (best, result) => (best && best.messagesPerSecond >= result.messagesPerSecond ? best : result),
      undefined,
    );
}

const format = (value: number): string => Math.round(value).toLocaleString("en-US");

/** Issue 7's targets against this run: reported, never enforced. */
export function targetChecks(inputs: RatioInputs): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const wirePaddle = paddleOf(inputs, "wire paddle");
  const netPingPong = paddleOf(inputs, "node:net ping-pong");
  if (wirePaddle && netPingPong) {
    const fraction = wirePaddle.roundTripsPerSecond / netPingPong.roundTripsPerSecond;
    checks.push({
      target: "wire paddle ≥ 90 % of bare node:net ping-pong",
      measured: `${Math.round(fraction * 100)} % (${format(wirePaddle.roundTripsPerSecond)} vs ${format(netPingPong.roundTripsPerSecond)} round trips/s)`,
      met: fraction >= 0.9,
    });
  }
  const wireRelay = bestRelay(inputs, "wire relay");
  if (wireRelay) {
    checks.push({
      target: "wire relay ≥ 400,000 msgs/s (529-byte frames)",
      measured: `${format(wireRelay.messagesPerSecond)} msgs/s (${wireRelay.pairs} pairs)`,
      met: wireRelay.messagesPerSecond >= 400_000,
    });
  }
  const grpcPaddle = paddleOf(inputs, "grpc paddle");
  if (grpcPaddle) {
    checks.push({
      target: "gRPC paddle ≥ 2,500 round trips/s",
      measured: `${format(grpcPaddle.roundTripsPerSecond)} round trips/s`,
      met: grpcPaddle.roundTripsPerSecond >= 2_500,
    });
  }
  const grpcRelay = bestRelay(inputs, "grpc relay");
  if (grpcRelay) {
    checks.push({
      target: "gRPC relay ≥ 5,000 msgs/s",
      measured: `${format(grpcRelay.messagesPerSecond)} msgs/s (${grpcRelay.pairs} pairs)`,
      met: grpcRelay.messagesPerSecond >= 5_000,
    });
  }
  const wireLoad = inputs.load.find((result) => result.transport === "wire");
  if (wireLoad) {
    const step = wireLoad.steps.find((candidate) => candidate.offeredPerSecond === 100_000);
    const last = wireLoad.steps.at(-1);
    checks.push({
      target: "wire p99 ≤ 5 ms at 100,000 msgs/s offered",
      measured: step
        ? `p99 ${step.latency.p99Ms} ms, delivered ${format(step.deliveredPerSecond)}/s${step.saturated ? " (saturated)" : ""}`
        : `not reached: saturated at ${format(last?.offeredPerSecond ?? 0)} msgs/s offered`,
      met: step !== undefined && !step.saturated && step.latency.p99Ms <= 5,
    });
  }
  return checks;
}
