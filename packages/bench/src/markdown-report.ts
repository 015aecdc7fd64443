import type { BenchResults, DirectionBytes, OperationBytes } from "./bench-results.js";

const integer = (value: number): string => Math.round(value).toLocaleString("en-US");
const ms = (value: number): string => value.toFixed(value < 10 ? 3 : 1);
const percent = (fraction: number): string => `${Math.round(fraction * 100)} %`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

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
  const find = (operation: string, transport: string): OperationBytes | undefined =>
    payload.find((row) => row.operation === operation && row.transport === transport);
  const rows = operations.map((operation) => {
    const wire = find(operation, "wire");
    const grpc = find(operation, "grpc");
    return [
      operation,
      pair(wire?.clientToServer, wire?.serverToClient, "messageBytes"),
      pair(wire?.clientToServer, wire?.serverToClient, "socketBytes"),
      pair(grpc?.clientToServer, grpc?.serverToClient, "messageBytes"),
      pair(grpc?.clientToServer, grpc?.serverToClient, "socketBytes"),
    ];
  });
  return table(
    [
      "operation",
      "wire frames B (→ / ←)",
      "wire socket B (→ / ←)",
      "protobuf B (→ / ←)",
      "gRPC socket B (→ / ←)",
    ],
    rows,
  );
}

/** The whole run as markdown: machine facts first, then one table per section, then the targets. */
export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  const parts: string[] = [];
  parts.push(
    `## Bench results (${results.profile} run, ${results.startedAt})`,
    "",
    table(
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
    "### Payload size per operation",
    "",
    "→ client to server, ← server to client, for the whole operation on the acting client's connection.",
    "",
    payloadTable(results.payload),
    "",
    "### Round trips (paddle: one client sends to itself and waits for the delivery)",
    "",
    table(
      ["measure", "round trips/s", "p50 ms", "p99 ms", "p999 ms", "round trips"],
      results.paddle.map((row) => [
        row.name,
        integer(row.roundTripsPerSecond),
        ms(row.latency.p50Ms),
        ms(row.latency.p99Ms),
        ms(row.latency.p999Ms),
        integer(row.roundTrips),
      ]),
    ),
    "",
    "### Relay throughput (N senders → N receivers, delivered messages/s)",
    "",
  );
  const pairCounts = [...new Set(results.relay.map((row) => row.pairs))].sort((a, b) => a - b);
  const relayRate = (name: string, pairs: number): number | undefined =>
    results.relay.find((row) => row.name === name && row.pairs === pairs)?.messagesPerSecond;
  const cell = (value: number | undefined): string => (value === undefined ? "–" : integer(value));
  const fraction = (value: number | undefined, baseline: number | undefined): string =>
    value === undefined || baseline === undefined || baseline === 0 ? "–" : percent(value / baseline);
  parts.push(
    table(
      ["pairs", "wire", "node:net relay", "wire / baseline", "gRPC", "grpc-js relay", "gRPC / baseline"],
      pairCounts.map((pairs) => {
        const wire = relayRate("wire relay", pairs);
        const net = relayRate("node:net relay", pairs);
        const grpc = relayRate("grpc relay", pairs);
        const grpcJs = relayRate("grpc-js relay", pairs);
        return [
          String(pairs),
          cell(wire),
          cell(net),
          fraction(wire, net),
          cell(grpc),
          cell(grpcJs),
          fraction(grpc, grpcJs),
        ];
      }),
    ),
    "",
    "### Against the runtime's own limit (same run)",
    "",
    table(
      ["measure", "transport", "value", "baseline", "baseline value", "fraction"],
      results.ratios.map((row) => [
        row.measure,
        row.transport,
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
      `**${load.transport}** — ${load.pairs} pairs, ${load.contentBytes}-byte content; keeps up to ${integer(load.saturationPerSecond)} msgs/s offered.`,
      "",
      table(
        ["offered/s", "delivered/s", "p50 ms", "p99 ms", "p999 ms", "max ms", "saturated"],
        load.steps.map((step) => [
          integer(step.offeredPerSecond),
          integer(step.deliveredPerSecond),
          ms(step.latency.p50Ms),
          ms(step.latency.p99Ms),
          ms(step.latency.p999Ms),
          ms(step.latency.maxMs),
          step.saturated ? "yes" : "no",
        ]),
      ),
      "",
    );
  }
  parts.push(
    "### Stored-message throughput (append, then drain with acks)",
    "",
    table(
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
    "### Targets (issue 7; reported, not enforced)",
    "",
    table(
      ["target", "measured", "met"],
      results.targets.map((row) => [row.target, row.measured, row.met ? "yes" : "**no**"]),
    ),
    "",
  );
  return parts.join("\n");
}
