import { TRANSPORT_NAMES } from "@chat/cli";
import type { BenchResults, Transport } from "./bench-results.js";

/*
 * A dependency-free SVG of the two comparisons a reader wants at a glance: bytes on the socket per
 * operation (log scale, since listings are thousands of times larger than an ack), and each transport's
 * throughput as a fraction of its own bare-runtime baseline.
 */

const WIDTH = 960;
const LABEL_WIDTH = 230;
const BAR_AREA = 560;
const BAR_HEIGHT = 12;
const COLORS: Record<Transport, string> = { wire: "#2b6cb0", grpc: "#dd6b20" };
const NAMES: Record<Transport, string> = { wire: "wire", grpc: "gRPC" };
/** Horizontal distance between two entries of the legend. */
const LEGEND_SPACING = 90;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function text(x: number, y: number, content: string, attributes = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escapeXml(content)}</text>`;
}

function bar(x: number, y: number, width: number, color: string): string {
  return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, width).toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"/>`;
}

const integer = (value: number): string => Math.round(value).toLocaleString("en-US");

/** Renders the chart of a run. */
export function svgChart(results: BenchResults): string {
  const out: string[] = [];
  let y = 30;
  out.push(
    text(
      20,
      y,
      `chat bench — wire vs gRPC (${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.nodeVersion})`,
      'font-size="15" font-weight="bold"',
    ),
  );
  y += 22;
  for (const [index, transport] of TRANSPORT_NAMES.entries()) {
    const x = 20 + index * LEGEND_SPACING;
    out.push(bar(x, y - 10, 12, COLORS[transport]), text(x + 18, y, NAMES[transport]));
  }
  y += 28;

  // Panel 1: bytes per operation, both directions summed, log scale.
  out.push(
    text(
      20,
      y,
      "Bytes on the socket per operation (both directions; log scale)",
      'font-size="13" font-weight="bold"',
    ),
  );
  y += 14;
  const operations = [...new Set(results.payload.map((row) => row.operation))];
  const total = (operation: string, transport: Transport): number => {
    const row = results.payload.find(
      (candidate) => candidate.operation === operation && candidate.transport === transport,
    );
    return row ? row.clientToServer.socketBytes + row.serverToClient.socketBytes : 0;
  };
  const maxBytes = Math.max(
    10,
    ...operations.flatMap((operation) => TRANSPORT_NAMES.map((transport) => total(operation, transport))),
  );
  const decades = Math.ceil(Math.log10(maxBytes));
  const scale = (bytes: number): number => (bytes <= 1 ? 0 : (Math.log10(bytes) / decades) * BAR_AREA);
  const axisTop = y;
  for (const operation of operations) {
    out.push(text(LABEL_WIDTH - 8, y + 2 * BAR_HEIGHT - 2, operation, 'text-anchor="end"'));
    for (const transport of TRANSPORT_NAMES) {
      const bytes = total(operation, transport);
      const width = scale(bytes);
      out.push(bar(LABEL_WIDTH, y, width, COLORS[transport]));
      out.push(text(LABEL_WIDTH + width + 4, y + BAR_HEIGHT - 2, `${integer(bytes)} B`, 'font-size="10"'));
      y += BAR_HEIGHT + 1;
    }
    y += 7;
  }
  for (let decade = 0; decade <= decades; decade++) {
    const x = LABEL_WIDTH + (decade / decades) * BAR_AREA;
    out.push(
      `<line x1="${x.toFixed(1)}" y1="${axisTop}" x2="${x.toFixed(1)}" y2="${y}" stroke="#ccc" stroke-dasharray="2,3"/>`,
    );
    out.push(text(x, y + 12, integer(10 ** decade), 'font-size="10" text-anchor="middle"'));
  }
  y += 40;

  // Panel 2: throughput as a fraction of each transport's baseline, linear scale.
  out.push(
    text(
      20,
      y,
      "Throughput as a fraction of the bare runtime (wire vs node:net, gRPC vs grpc-js)",
      'font-size="13" font-weight="bold"',
    ),
  );
  y += 14;
  const measures = [...new Set(results.ratios.map((row) => row.measure))];
  const maxFraction = Math.max(1, ...results.ratios.map((row) => row.fraction));
  const axis2Top = y;
  for (const measure of measures) {
    out.push(text(LABEL_WIDTH - 8, y + 2 * BAR_HEIGHT - 2, measure, 'text-anchor="end"'));
    for (const transport of TRANSPORT_NAMES) {
      const row = results.ratios.find(
        (candidate) => candidate.measure === measure && candidate.transport === transport,
      );
      const width = row ? (row.fraction / maxFraction) * BAR_AREA : 0;
      out.push(bar(LABEL_WIDTH, y, width, COLORS[transport]));
      if (row) {
        out.push(
          text(
            LABEL_WIDTH + width + 4,
            y + BAR_HEIGHT - 2,
            `${Math.round(row.fraction * 100)} % — ${integer(row.value)}/s of ${integer(row.baseline)}/s`,
            'font-size="10"',
          ),
        );
      }
      y += BAR_HEIGHT + 1;
    }
    y += 7;
  }
  const full = LABEL_WIDTH + (1 / maxFraction) * BAR_AREA;
  out.push(
    `<line x1="${full.toFixed(1)}" y1="${axis2Top}" x2="${full.toFixed(1)}" y2="${y}" stroke="#888" stroke-dasharray="4,3"/>`,
  );
  out.push(text(full, y + 12, "100 % of baseline", 'font-size="10" text-anchor="middle"'));
  y += 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" font-size="11" role="img">`,
    // A title is the chart's text alternative, for screen readers and image-less viewers.
    "<title>chat bench: bytes per operation, and throughput of wire and gRPC as a fraction of the bare runtime</title>",
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}
