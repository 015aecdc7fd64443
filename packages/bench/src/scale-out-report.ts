import type { LoadStep, TargetCheck } from "./bench-results.js";
import { VARIANT_LABELS } from "./bench-variant.js";
import { RELAY_CONTENT_BYTES } from "./chat-relay.js";
import { integer, markdownTable, ms, percent } from "./report-format.js";
import {
  SCALE_OUT_TARGET_P99_MS,
  SCALE_OUT_TARGET_RATE,
  SCALE_OUT_TARGET_RELAY_FRACTION,
} from "./scale-out-profile.js";
import type { RedisCommandCount, ScaleOutResults, ScaleOutRow } from "./scale-out-results.js";

/** How many commands of a breakdown the report names (the JSON has them all). */
const BREAKDOWN_COMMANDS = 6;

function rowOf(results: ScaleOutResults, setup: ScaleOutRow["setup"]): ScaleOutRow | undefined {
  return results.rows.find((row) => row.setup === setup);
}

function stepAt(row: ScaleOutRow | undefined, rate: number): LoadStep | undefined {
  return row?.load.find((step) => step.offeredPerSecond === rate);
}

/** A step's p50 and p99, or dashes when none of its measured messages arrived in time. */
function percentiles(step: LoadStep): string {
  return step.latency.count === 0 ? "– / –" : `${ms(step.latency.p50Ms)} / ${ms(step.latency.p99Ms)}`;
}

/** The p99 at the target rate, or why there is none. */
function p99Cell(row: ScaleOutRow, rate: number): string {
  const step = stepAt(row, rate);
  const keptUp = step?.saturated ? " (cannot keep up)" : "";
  if (step) return step.latency.count === 0 ? `–${keptUp}` : `${ms(step.latency.p99Ms)}${keptUp}`;
  const last = row.load.at(-1);
  return last ? `– (cannot keep up with ${integer(last.offeredPerSecond)}/s)` : "–";
}

function breakdown(count: RedisCommandCount): string {
  const names = Object.entries(count.byCommand).slice(0, BREAKDOWN_COMMANDS);
  return names.map(([name, calls]) => `${name} ${calls}`).join(", ");
}

/** The scale-out section of the markdown report. */
export function scaleOutMarkdown(results: ScaleOutResults): string[] {
  const sqlite = rowOf(results, "sqlite")?.relay.messagesPerSecond;
  const rate = results.targetRate;
  const redisRows = results.rows.filter((row) => row.redisCommands);
  return [
    "### Scale-out: two chat nodes on one Redis, next to one node (same run)",
    "",
    `Every client speaks ${VARIANT_LABELS[results.variant]}; every node is its own process running \`chat-cli serve\`'s`,
    `server code; Redis ${results.redisVersion} runs with ${Object.entries(results.redisSettings)
      .map(([name, value]) => `${name} ${value}`)
      .join(", ")}. With two nodes, every sender is on the first and every receiver on the second.`,
    "",
    markdownTable(
      [
        "set-up",
        "paddle round trips/s",
        "paddle p99 ms",
        `relay msgs/s (${results.rows[0]?.relay.pairs ?? "–"} pairs, ${RELAY_CONTENT_BYTES} B)`,
        "relay vs one node on SQLite",
        `p99 ms at ${integer(rate)}/s offered`,
        "Redis commands per message (relay / paddle)",
      ],
      results.rows.map((row) => [
        `**${row.label}**`,
        integer(row.paddle.roundTripsPerSecond),
        ms(row.paddle.latency.p99Ms),
        integer(row.relay.messagesPerSecond),
        sqlite ? percent(row.relay.messagesPerSecond / sqlite) : "–",
        p99Cell(row, rate),
        row.redisCommands
          ? `${row.redisCommands.relay.commandsPerMessage} / ${row.redisCommands.paddle.commandsPerMessage}`
          : "–",
      ]),
    ),
    "",
    "Paddle: a sender sends a 64-byte message to a receiver and waits for it to arrive before sending the next.",
    "Relay: senders each sending to their own receiver with 32 sends in flight; messages delivered per second.",
    "p99: the delivery latency 99 % of messages beat while messages are sent on a fixed schedule, whatever the",
    "server's progress. Redis commands: every command Redis ran (those inside the chat's scripts included),",
    "counted with `INFO commandstats` over the whole measurement and divided by the messages sent in it.",
    "",
    ...(redisRows.length === 0
      ? []
      : [
          markdownTable(
            [
              "set-up",
              "measurement",
              "messages",
              "commands per message",
              "script calls per message",
              "most run",
            ],
            redisRows.flatMap((row) => {
              const counts = row.redisCommands;
              if (!counts) return [];
              const measurements: readonly (readonly [string, RedisCommandCount])[] = [
                ["relay", counts.relay],
                ["paddle", counts.paddle],
              ];
              return measurements.map(([measurement, count]) => [
                row.label,
                measurement,
                integer(count.messages),
                String(count.commandsPerMessage),
                String(count.scriptCallsPerMessage),
                breakdown(count),
              ]);
            }),
          ),
          "",
          "A script call is one request from a node; the commands it runs inside Redis are counted too.",
          "",
        ]),
    markdownTable(
      ["set-up", "offered/s → delivered/s, p50 / p99 ms"],
      results.rows.map((row) => [
        row.label,
        row.load
          .map(
            (step) =>
              `${integer(step.offeredPerSecond)} → ${integer(step.deliveredPerSecond)}, ${percentiles(step)}${step.saturated ? " (cannot keep up)" : ""}`,
          )
          .join("; "),
      ]),
    ),
    "",
  ];
}

/** The scale-out targets against this run: reported, never enforced. */
export function scaleOutTargets(results: ScaleOutResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const crossNode = rowOf(results, "redis-two-nodes");
  const sqlite = rowOf(results, "sqlite");
  if (crossNode && sqlite && sqlite.relay.messagesPerSecond > 0) {
    const fraction = crossNode.relay.messagesPerSecond / sqlite.relay.messagesPerSecond;
    checks.push({
      target: `two nodes on one Redis: relay ≥ ${percent(SCALE_OUT_TARGET_RELAY_FRACTION)} of one node on SQLite (${crossNode.relay.pairs} pairs)`,
      measured: `${percent(fraction)} (${integer(crossNode.relay.messagesPerSecond)} vs ${integer(sqlite.relay.messagesPerSecond)} msgs/s)`,
      met: fraction >= SCALE_OUT_TARGET_RELAY_FRACTION,
    });
  }
  if (crossNode) {
    const step = stepAt(crossNode, SCALE_OUT_TARGET_RATE);
    const last = crossNode.load.at(-1);
    checks.push({
      target: `two nodes on one Redis: p99 ≤ ${SCALE_OUT_TARGET_P99_MS} ms at ${integer(SCALE_OUT_TARGET_RATE)} msgs/s offered`,
      measured: step
        ? `p99 ${step.latency.count === 0 ? "–" : ms(step.latency.p99Ms)} ms, delivered ${integer(step.deliveredPerSecond)}/s${step.saturated ? " (cannot keep up)" : ""}`
        : `not reached: cannot keep up with ${integer(last?.offeredPerSecond ?? 0)} msgs/s offered`,
      met:
        step !== undefined &&
        !step.saturated &&
        step.latency.count > 0 &&
        step.latency.p99Ms <= SCALE_OUT_TARGET_P99_MS,
    });
  }
  return checks;
}
