import { printable } from "./user-text.js";

/** How much of a cell a table shows: one line, however long the value (an operator in a manifest). */
const MAX_CELL = 200;

/**
 * Columns aligned for a terminal: every column padded to its widest cell (numbers may align
 * right), two spaces between columns, the last column and trailing spaces left as they are.
 * Cells may hold what users typed (an operator in a manifest): each stays one bounded line.
 */
export function formatTable(
  cells: readonly (readonly string[])[],
  align: readonly ("left" | "right")[] = [],
): string {
  const rows = cells.map((row) => row.map((cell) => printable(cell, MAX_CELL)));
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...rows.map((r) => r[i]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1) return cell;
        return align[i] === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join("  ")
      .trimEnd();
  return rows.map(line).join("\n");
}

/** `formatTable` with every line indented (help texts, `guardia list`). */
export function textTable(rows: readonly (readonly string[])[], indent = ""): string {
  return formatTable(rows)
    .split("\n")
    .map((line) => (indent + line).trimEnd())
    .join("\n");
}
