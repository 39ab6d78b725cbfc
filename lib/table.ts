/**
 * Plain-text tables for the terminal: every column but the last padded to its widest cell, two
 * spaces apart. Cells are single lines; the caller escapes what came from users.
 */
export function textTable(rows: readonly (readonly string[])[], indent = ""): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      (
        indent +
        row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join("  ")
      ).trimEnd(),
    )
    .join("\n");
}
