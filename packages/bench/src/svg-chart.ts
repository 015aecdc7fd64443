import { messageBytesOf, paddleOf, relayOf } from "./baseline-ratios.js";
import type { BenchResults } from "./bench-results.js";
import { VARIANT_LABELS, VARIANTS, type Variant } from "./bench-variant.js";
import { integer } from "./report-format.js";

/*
 * A dependency-free SVG of what a reader wants at a glance: each protocol variant's absolute throughput
 * (log scale, since gRPC unary and the wire are orders of magnitude apart), the bytes a message costs on the
 * socket by content size, and, in a separately titled last panel, each variant as a fraction of its own
 * bare-runtime baseline.
 */

const WIDTH = 960;
const LABEL_WIDTH = 230;
const BAR_AREA = 560;
const BAR_HEIGHT = 12;
const COLORS: Record<Variant, string> = {
  "wire-fixed": "#90cdf4",
  "wire-compact": "#2b6cb0",
  "grpc-unary": "#fbd38d",
  "grpc-stream": "#dd6b20",
};
/** Horizontal distance between two entries of the legend. */
const LEGEND_SPACING = 140;
const MESSAGE_SIZES = [1, 64, 512] as const;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function text(x: number, y: number, content: string, attributes = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escapeXml(content)}</text>`;
}

function bar(x: number, y: number, width: number, color: string): string {
  return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, width).toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"/>`;
}

/** One group of bars: a label, then one bar per variant scaled by `scale`, each with its value written. */
interface Group {
  readonly label: string;
  readonly values: Readonly<Record<Variant, number | undefined>>;
}

/** Draws `groups` from `y` down; returns the y after them. */
function drawGroups(
  out: string[],
  y: number,
  groups: readonly Group[],
  scale: (value: number) => number,
  show: (value: number) => string,
): number {
  let at = y;
  for (const group of groups) {
    out.push(text(LABEL_WIDTH - 8, at + 2 * BAR_HEIGHT + 6, group.label, 'text-anchor="end"'));
    for (const variant of VARIANTS) {
      const value = group.values[variant];
      const width = value === undefined ? 0 : scale(value);
      out.push(bar(LABEL_WIDTH, at, width, COLORS[variant]));
      out.push(
        text(
          LABEL_WIDTH + width + 4,
          at + BAR_HEIGHT - 2,
          value === undefined ? "–" : show(value),
          'font-size="10"',
        ),
      );
      at += BAR_HEIGHT + 1;
    }
    at += 8;
  }
  return at;
}

function byVariant(value: (variant: Variant) => number | undefined): Record<Variant, number | undefined> {
  return Object.fromEntries(VARIANTS.map((variant) => [variant, value(variant)])) as Record<
    Variant,
    number | undefined
  >;
}

/** Renders the chart of a run. */
export function svgChart(results: BenchResults): string {
  const out: string[] = [];
  let y = 30;
  out.push(
    text(
      20,
      y,
      `chat bench — four protocol variants (${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.nodeVersion})`,
      'font-size="15" font-weight="bold"',
    ),
  );
  y += 22;
  for (const [index, variant] of VARIANTS.entries()) {
    const x = 20 + index * LEGEND_SPACING;
    out.push(bar(x, y - 10, 12, COLORS[variant]), text(x + 18, y, VARIANT_LABELS[variant]));
  }
  y += 28;

  // Panel 1: absolute throughput, log scale.
  out.push(
    text(
      20,
      y,
      "Throughput, per second (log scale): paddle round trips, and messages relayed",
      'font-size="13" font-weight="bold"',
    ),
  );
  y += 14;
  const pairCounts = [...new Set(results.relay.map((row) => row.pairs))].sort((a, b) => a - b);
  const throughput: Group[] = [
    {
      label: "paddle round trips/s",
      values: byVariant((variant) => paddleOf(results, `${variant} paddle`)?.roundTripsPerSecond),
    },
    ...pairCounts.map((pairs) => ({
      label: `relay, ${pairs} pairs, msgs/s`,
      values: byVariant((variant) => relayOf(results, `${variant} relay`, pairs)?.messagesPerSecond),
    })),
  ];
  const maxRate = Math.max(
    10,
    ...throughput.flatMap((group) => Object.values(group.values).map((value) => value ?? 0)),
  );
  const decades = Math.ceil(Math.log10(maxRate));
  const logScale = (value: number): number => (value <= 1 ? 0 : (Math.log10(value) / decades) * BAR_AREA);
  const axisTop = y;
  y = drawGroups(out, y, throughput, logScale, (value) => `${integer(value)}/s`);
  for (let decade = 0; decade <= decades; decade++) {
    const x = LABEL_WIDTH + (decade / decades) * BAR_AREA;
    out.push(
      `<line x1="${x.toFixed(1)}" y1="${axisTop}" x2="${x.toFixed(1)}" y2="${y}" stroke="#ccc" stroke-dasharray="2,3"/>`,
    );
    out.push(text(x, y + 12, integer(10 ** decade), 'font-size="10" text-anchor="middle"'));
  }
  y += 40;

  // Panel 2: bytes per message by content size, linear scale.
  out.push(
    text(
      20,
      y,
      "Bytes on the socket per message, sent and delivered (both directions, framing included), by content size",
      'font-size="13" font-weight="bold"',
    ),
  );
  y += 14;
  const sizes: Group[] = MESSAGE_SIZES.map((size) => ({
    label: `${size}-byte message`,
    values: byVariant((variant) => messageBytesOf(results.payload, variant, size)),
  }));
  const maxBytes = Math.max(
    1,
    ...sizes.flatMap((group) => Object.values(group.values).map((value) => value ?? 0)),
  );
  y = drawGroups(
    out,
    y,
    sizes,
    (value) => (value / maxBytes) * BAR_AREA,
    (value) => `${integer(value)} B`,
  );
  y += 30;

  // Panel 3: ratios to the baselines, clearly apart from the absolute figures.
  out.push(
    text(
      20,
      y,
      "Ratio to the bare runtime (wire vs node:net, gRPC vs grpc-js): how close each comes to its own limit",
      'font-size="13" font-weight="bold"',
    ),
  );
  y += 14;
  const measures = [...new Set(results.ratios.map((row) => row.measure))];
  const maxFraction = Math.max(1, ...results.ratios.map((row) => row.fraction));
  const ratioGroups: Group[] = measures.map((measure) => ({
    label: measure,
    values: byVariant(
      (variant) => results.ratios.find((row) => row.measure === measure && row.variant === variant)?.fraction,
    ),
  }));
  const axis2Top = y;
  y = drawGroups(
    out,
    y,
    ratioGroups,
    (value) => (value / maxFraction) * BAR_AREA,
    (value) => `${Math.round(value * 100)} %`,
  );
  const full = LABEL_WIDTH + (1 / maxFraction) * BAR_AREA;
  out.push(
    `<line x1="${full.toFixed(1)}" y1="${axis2Top}" x2="${full.toFixed(1)}" y2="${y}" stroke="#888" stroke-dasharray="4,3"/>`,
  );
  out.push(text(full, y + 12, "100 % of baseline", 'font-size="10" text-anchor="middle"'));
  y += 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" font-size="11" role="img">`,
    // A title is the chart's text alternative, for screen readers and image-less viewers.
    "<title>chat bench: throughput and bytes per message of seed wire, compact wire, gRPC unary and gRPC stream, then ratios to the bare runtime</title>",
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}
