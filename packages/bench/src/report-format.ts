/*
 * How the bench writes figures for people: the markdown report's sections, the SVG chart and the progress
 * lines all format numbers the same way, so a figure reads alike wherever it is shown.
 */

/** A whole number with thousands separators (`12,345`), rounded. */
export const integer = (value: number): string => Math.round(value).toLocaleString("en-US");

/** Milliseconds: three decimals below 10 ms, where they still mean something, one above. */
export const ms = (value: number): string => value.toFixed(value < 10 ? 3 : 1);

/** A fraction as a whole percentage (`0.93` → `93 %`). */
export const percent = (fraction: number): string => `${Math.round(fraction * 100)} %`;

/** A markdown table: the header row, its separator, then one line per row of cells. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
