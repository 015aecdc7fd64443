import { messageBytesOf, paddleOf, relayOf, VERDICT_RELAY_PAIRS } from "./baseline-ratios.js";
import type { BenchResults, DirectionBytes, OperationBytes } from "./bench-results.js";
import { VARIANT_LABELS, VARIANTS, type Variant } from "./bench-variant.js";
import { RELAY_CONTENT_BYTES } from "./chat-relay.js";
import type { LatencySummary } from "./latency-recorder.js";
import { integer, markdownTable, ms, percent } from "./report-format.js";
import { scaleOutMarkdown } from "./scale-out-report.js";
import { tlsCostSection } from "./tls-cost-report.js";

function pair(
  up: DirectionBytes | undefined,
  down: DirectionBytes | undefined,
  key: keyof DirectionBytes,
): string {
  if (!up || !down) return "–";
  const value = (direction: DirectionBytes): number => {
    const field = direction[key];
    return typeof field === "number" ? field : 0;
  };
  return `${integer(value(up))} / ${integer(value(down))}`;
}

function payloadTable(payload: readonly OperationBytes[]): string {
  const operations = [...new Set(payload.map((row) => row.operation))];
  const find = (operation: string, variant: Variant): OperationBytes | undefined =>
    payload.find((row) => row.operation === operation && row.variant === variant);
  const rows = operations.map((operation) => [
    operation,
    ...VARIANTS.map((variant) => {
      const row = find(operation, variant);
      return pair(row?.clientToServer, row?.serverToClient, "socketBytes");
    }),
  ]);
  return markdownTable(
    ["operation", ...VARIANTS.map((variant) => `${VARIANT_LABELS[variant]} B (→ / ←)`)],
    rows,
  );
}

/** The sizes of the verdict table's bytes columns. */
const VERDICT_SIZES = [1, 64, 512] as const;

interface VerdictRow {
  readonly variant: Variant;
  readonly ranAs: string | undefined;
  readonly bytes: readonly (number | undefined)[];
  readonly roundTrips: number | undefined;
  readonly relay: number | undefined;
  readonly p99: number | undefined;
}

function verdictRows(results: BenchResults): VerdictRow[] {
  return VARIANTS.map((variant) => {
    const paddle = paddleOf(results, `${variant} paddle`);
    const step = results.load
      .find((load) => load.variant === variant)
      ?.steps.find((candidate) => candidate.offeredPerSecond === results.commonLoadRate);
    return {
      variant,
      ranAs: paddle?.ranAs,
      bytes: VERDICT_SIZES.map((size) => messageBytesOf(results.payload, variant, size)),
      roundTrips: paddle?.roundTripsPerSecond,
      relay: relayOf(results, `${variant} relay`, VERDICT_RELAY_PAIRS)?.messagesPerSecond,
      p99: step?.latency.p99Ms,
    };
  });
}

const maybe = (value: number | undefined, show: (value: number) => string): string =>
  value === undefined ? "–" : show(value);

/** The one-paragraph answer, with this run's figures in it. */
function whichToPick(rows: readonly VerdictRow[]): string {
  const row = (variant: Variant): VerdictRow | undefined =>
    rows.find((candidate) => candidate.variant === variant);
  const fixed = row("wire-fixed");
  const compact = row("wire-compact");
  const unary = row("grpc-unary");
  const stream = row("grpc-stream");
  const bytes1 = (candidate: VerdictRow | undefined): string => maybe(candidate?.bytes[0], integer);
  const relay = (candidate: VerdictRow | undefined): string => maybe(candidate?.relay, integer);
  const times =
    stream?.relay !== undefined && unary?.relay !== undefined && unary.relay > 0
      ? `${(stream.relay / unary.relay).toFixed(0)}×`
      : "several times";
  return [
    `**Which to pick when.** For a client you write yourself over plain TCP, **compact wire**: it carries a`,
    `message in the fewest bytes (${bytes1(compact)} B for a 1-byte message sent and delivered, against`,
    `${bytes1(fixed)} B for seed wire and ${bytes1(unary)} B for gRPC) and relays the most messages per second`,
    `(${relay(compact)} msgs/s at ${VERDICT_RELAY_PAIRS} pairs). **Seed wire** runs as fast but pays every field at`,
    `its full width: it is there for seed clients, which cannot negotiate. Where gRPC is a given (other`,
    `languages' generated stubs, TLS and proxies that speak HTTP/2), use the **gRPC stream**: ${relay(stream)}`,
    `msgs/s, ${times} the unary calls, with one HTTP/2 stream per session. **gRPC unary** (${relay(unary)} msgs/s)`,
    `is what one-call-at-a-time tools such as grpcurl speak: fine for scripts and admin, the slowest for chat`,
    `traffic, since every send waits for its own round trip.`,
  ].join(" ");
}

function verdict(results: BenchResults): string[] {
  const rows = verdictRows(results);
  return [
    "### Verdict: the four protocol variants side by side (absolute figures, this run)",
    "",
    markdownTable(
      [
        "variant",
        "ran as",
        ...VERDICT_SIZES.map((size) => `bytes, ${size}-B message`),
        "paddle round trips/s",
        `relay msgs/s (${VERDICT_RELAY_PAIRS} pairs, ${RELAY_CONTENT_BYTES} B)`,
        `p99 ms at ${integer(results.commonLoadRate)}/s offered`,
      ],
      rows.map((row) => [
        `**${VARIANT_LABELS[row.variant]}**`,
        row.ranAs ?? "–",
        ...row.bytes.map((bytes) => maybe(bytes, integer)),
        maybe(row.roundTrips, integer),
        maybe(row.relay, integer),
        maybe(row.p99, ms),
      ]),
    ),
    "",
    "Bytes: everything on the socket (both directions) to send a message and have it delivered — the send, its",
    "answer and the delivery, HTTP/2 and gRPC framing included. Paddle: one client sends a 64-byte message to",
    "itself and waits for it to arrive before sending the next. Relay: N senders each sending to its own",
    "receiver with 32 sends in flight; messages delivered per second. p99: the delivery latency 99 % of",
    "messages beat, at a fixed offered rate (messages per second sent whatever the server's progress).",
    "",
    whichToPick(rows),
    "",
  ];
}

/**
 * The whole run as markdown: the verdict first, machine facts, then one table per section that ran, then
 * the targets.
 */
export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  const parts: string[] = [];
  const transports = results.sections.includes("transports");
  parts.push(
    `## Bench results (${results.profile} run of ${results.sections.join(", ")}, ${results.startedAt})`,
    "",
    ...(transports ? verdict(results) : []),
    "### Machine",
    "",
    markdownTable(
      ["CPU", "cores", "Node", "platform", "memory", "load (1 min, at end)", "duration"],
      [
        [
          m.cpuModel,
          String(m.cores),
          m.nodeVersion,
          m.platform,
          `${integer(m.totalMemoryMiB)} MiB`,
          String(m.loadAverage1m),
          `${(results.durationMs / 1000).toFixed(1)} s`,
        ],
      ],
    ),
    "",
  );
  if (transports) parts.push(...transportTables(results));
  if (results.tls) parts.push(...tlsCostSection(results.tls));
  if (results.sections.includes("stores")) parts.push(...storeTable(results));
  if (results.scaleOut) parts.push(...scaleOutMarkdown(results.scaleOut));
  parts.push(
    "### Targets (reported, not enforced)",
    "",
    markdownTable(
      ["target", "measured", "met"],
      results.targets.map((row) => [row.target, row.measured, row.met ? "yes" : "**no**"]),
    ),
    "",
  );
  return parts.join("\n");
}

/** The latency percentiles the round-trip and load tables show, as column headers and as cells. */
const PERCENTILE_HEADERS = ["p50 ms", "p99 ms", "p999 ms"] as const;
const percentileCells = (latency: LatencySummary): string[] => [
  ms(latency.p50Ms),
  ms(latency.p99Ms),
  ms(latency.p999Ms),
];

/** The transports' sections: payload sizes, paddle, relay, ratios, latency under load. */
function transportTables(results: BenchResults): string[] {
  const parts: string[] = [];
  parts.push(
    "### Payload size per operation",
    "",
    "Socket bytes; → client to server, ← server to client, for the whole operation on the acting client's",
    "connection (a delivery: the receiver's connection).",
    "",
    payloadTable(results.payload),
    "",
    "### Round trips (paddle: one client sends to itself and waits for the delivery)",
    "",
    markdownTable(
      ["measure", "round trips/s", ...PERCENTILE_HEADERS, "round trips"],
      results.paddle.map((row) => [
        row.name,
        integer(row.roundTripsPerSecond),
        ...percentileCells(row.latency),
        integer(row.roundTrips),
      ]),
    ),
    "",
    "### Relay throughput (N senders → N receivers, delivered messages/s)",
    "",
  );
  const relayNames = [
    ...VARIANTS.map((variant) => ({ name: `${variant} relay`, label: VARIANT_LABELS[variant] })),
    { name: "node:net relay", label: "bare node:net" },
    { name: "grpc-js relay", label: "bare grpc-js" },
  ];
  const pairCounts = [...new Set(results.relay.map((row) => row.pairs))].sort((a, b) => a - b);
  const relayRate = (name: string, pairs: number): number | undefined =>
    results.relay.find((row) => row.name === name && row.pairs === pairs)?.messagesPerSecond;
  const cell = (value: number | undefined): string => (value === undefined ? "–" : integer(value));
  parts.push(
    markdownTable(
      ["pairs", ...relayNames.map((entry) => entry.label)],
      pairCounts.map((pairs) => [
        String(pairs),
        ...relayNames.map((entry) => cell(relayRate(entry.name, pairs))),
      ]),
    ),
    "",
    "### Ratios to the bare runtime (same run): each variant as a fraction of its own transport's baseline",
    "",
    "A ratio says how close a variant comes to what its runtime can do at all, not which variant is faster:",
    "the verdict table above compares the variants themselves. The wire's baselines are bare `node:net`",
    "sockets exchanging 529-byte frames; gRPC's are bare grpc-js calls with the same messages.",
    "",
    markdownTable(
      ["measure", "variant", "value", "baseline", "baseline value", "fraction"],
      results.ratios.map((row) => [
        row.measure,
        VARIANT_LABELS[row.variant],
        integer(row.value),
        row.baselineName,
        integer(row.baseline),
        percent(row.fraction),
      ]),
    ),
    "",
    "### Latency under load (open loop, warm-up excluded; latency from when each message was due)",
    "",
  );
  for (const load of results.load) {
    parts.push(
      `**${VARIANT_LABELS[load.variant]}** — ${load.pairs} pairs, ${load.contentBytes}-byte content; keeps up to ${integer(load.saturationPerSecond)} msgs/s offered.`,
      "",
      markdownTable(
        ["offered/s", "delivered/s", ...PERCENTILE_HEADERS, "max ms", "saturated"],
        load.steps.map((step) => [
          integer(step.offeredPerSecond),
          integer(step.deliveredPerSecond),
          ...percentileCells(step.latency),
          ms(step.latency.maxMs),
          step.saturated ? "yes" : "no",
        ]),
      ),
      "",
    );
  }
  return parts;
}

function storeTable(results: BenchResults): string[] {
  return [
    "### Stored-message throughput (append, then drain with acks)",
    "",
    markdownTable(
      ["store", "messages", "content B", "append msgs/s", "drain msgs/s", "file bytes per 1M msgs"],
      results.stores.map((row) => [
        row.store,
        integer(row.messages),
        String(row.contentBytes),
        integer(row.appendPerSecond),
        integer(row.drainPerSecond),
        row.bytesPerMillionMessages === undefined
          ? "–"
          : `${integer(row.bytesPerMillionMessages)} (${(row.bytesPerMillionMessages / 1024 / 1024).toFixed(0)} MiB)`,
      ]),
    ),
    "",
  ];
}
