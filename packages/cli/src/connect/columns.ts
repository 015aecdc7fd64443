/** Spaces between two columns. */
const GUTTER = 2;
/** The indent of every row, so a listing stands apart from the line above it. */
const INDENT = 2;

/**
 * Lays out words in columns that fit `width` characters, filled top to bottom then left to right like
 * `ls`, so a long account list reads as a table rather than one wrapped line. Every word keeps its own
 * line when even two columns do not fit. Widths are counted in UTF-16 code units, which is exact for the
 * ASCII usernames the server allows.
 */
export function formatColumns(words: readonly string[], width: number): string {
  if (words.length === 0) return "";
  const cell = Math.max(...words.map((word) => word.length)) + GUTTER;
  const columns = Math.max(1, Math.floor((width - INDENT + GUTTER) / cell));
  const rows = Math.ceil(words.length / columns);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    const cells: string[] = [];
    for (let column = 0; column < columns; column++) {
      const word = words[column * rows + row];
      if (word !== undefined) cells.push(word.padEnd(cell));
    }
    lines.push(`${" ".repeat(INDENT)}${cells.join("").trimEnd()}`);
  }
  return lines.join("\n");
}
